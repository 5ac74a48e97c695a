import Testing

/// Groups the gateway's suites so `swift test --filter Gateway` selects exactly them.
@Suite("Gateway")
enum GatewayTests {}
