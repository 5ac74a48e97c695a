import Testing

@testable import PilothouseMetrics

struct MetricsAddressTests {
    @Test func readsHostAndPortAndIPv6InBrackets() throws {
        #expect(
            try MetricsAddress(parsing: "127.0.0.1:9464") == MetricsAddress(host: "127.0.0.1", port: 9464))
        #expect(try MetricsAddress(parsing: "[::1]:9464") == MetricsAddress(host: "::1", port: 9464))
        #expect(try MetricsAddress(parsing: "0.0.0.0:0") == MetricsAddress(host: "0.0.0.0", port: 0))
        #expect(try MetricsAddress(parsing: "localhost:9464").isLoopback)
        #expect(try !MetricsAddress(parsing: "0.0.0.0:9464").isLoopback)
        #expect(MetricsAddress(host: "::1", port: 80).url == "http://[::1]:80/metrics")
    }

    /// A bare port would mean "every interface" to some programs: refused, with the two
    /// addresses an operator most likely meant.
    @Test func refusesABarePort() {
        for text in ["9464", ":9464"] {
            #expect(throws: MetricsAddressError.barePort(text)) { try MetricsAddress(parsing: text) }
        }
        let message = MetricsAddressError.barePort("9464").description
        #expect(message.contains("127.0.0.1:9464") && message.contains("0.0.0.0:9464"))
    }

    @Test(arguments: [
        "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+80", "::1:9464", "[::1]9464", "[::1",
        "127.0.0.1:94 64", "127.0.0.1:9464\u{0}", "\u{1b}[31m:80", String(repeating: "a", count: 300) + ":80",
    ])
    func refusesMalformedAddresses(text: String) {
        #expect(throws: MetricsAddressError.self) { try MetricsAddress(parsing: text) }
    }
}
