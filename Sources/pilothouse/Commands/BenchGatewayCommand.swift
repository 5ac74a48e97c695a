import ArgumentParser

struct BenchGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-gateway")
    func run() async throws {
        try await GatewayBenchmarks.rateLimits()
        try await GatewayBenchmarks.rateLimits(rpm: 60, tpm: 3_000)
        try await GatewayBenchmarks.overhead()
    }
}
