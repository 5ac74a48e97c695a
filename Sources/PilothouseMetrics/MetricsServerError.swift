/// Why the metrics server could not start.
public enum MetricsServerError: Error, Equatable, CustomStringConvertible {
    /// Another process (or another Pilothouse) already listens on the address.
    case addressInUse(MetricsAddress)
    /// Binding failed for another reason (an address this machine does not have, a name that
    /// does not resolve, a privileged port).
    case cannotListen(MetricsAddress, reason: String)

    public var description: String {
        switch self {
        case .addressInUse(let address):
            "--metrics \(address): the address is in use by another process; stop it or pick another port "
                + "(port 0 picks a free one)"
        case .cannotListen(let address, let reason):
            "--metrics \(address): cannot listen there (\(reason)); use an address of this machine, "
                + "like 127.0.0.1:9464"
        }
    }
}
