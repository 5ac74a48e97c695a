/// One model call as the budget sees it: what its prompt costs, what each output token costs,
/// how many output tokens it asks for, and the fewest that are still worth asking for.
public struct BudgetCall: Sendable, Hashable {
    public var price: ModelPrice
    public var inputTokens: Int
    public var maxOutputTokens: Int
    /// Below this many output tokens a stage's answer is not useful; the call is held instead.
    public var minOutputTokens: Int

    public init(price: ModelPrice, inputTokens: Int, maxOutputTokens: Int, minOutputTokens: Int) {
        self.price = price
        self.inputTokens = max(0, inputTokens)
        self.maxOutputTokens = max(0, maxOutputTokens)
        self.minOutputTokens = min(max(0, minOutputTokens), max(0, maxOutputTokens))
    }

    /// The worst case of this call with `outputTokens` allowed: the provider cannot bill more.
    public func cost(outputTokens: Int) -> Money {
        price.cost(of: TokenCounts(input: inputTokens, output: outputTokens))
    }

    /// The most output tokens `free` pays for, next to the prompt (nil: not even the prompt).
    public func affordableOutput(within free: Money) -> Int? {
        let prompt = cost(outputTokens: 0)
        guard free >= prompt else { return nil }
        let perMillion = price.outputPerMillion.micros
        guard perMillion > 0 else { return maxOutputTokens }
        let (budget, overflow) = (free - prompt).micros.multipliedReportingOverflow(by: 1_000_000)
        var tokens = overflow ? maxOutputTokens : Int(min(Int64(maxOutputTokens), budget / perMillion))
        // The price rounds the sum up once; step back if that rounding crosses `free`.
        while tokens > 0 && cost(outputTokens: tokens) > free { tokens -= 1 }
        return tokens
    }
}

/// What the budget answers a call (see `BudgetLedger.reserve(call:)`).
public enum BudgetGrant: Sendable, Hashable {
    /// Reserved `reserved` for a call allowed `outputTokens` (its own maximum, or fewer when
    /// that is all the remaining budget pays for); `warnings` are `warn` limits crossed.
    case granted(outputTokens: Int, reserved: Money, warnings: [BudgetScope])
    /// The call fits once calls in flight settle (their reservations are worst cases): wait.
    case wait(scope: BudgetScope)
    /// Even with nothing in flight the budget cannot pay for `minOutputTokens`: hold the job.
    case denied(scope: BudgetScope, remaining: Money, needed: Money)
}

extension BudgetLedger {
    /// Reserves for one call, spending what the budget can pay rather than refusing at the
    /// first call whose worst case does not fit:
    /// 1. it fits now: reserve its worst case;
    /// 2. it would fit if the calls in flight cost nothing more: wait for them;
    /// 3. fewer output tokens fit now, at least `minOutputTokens`: reserve for those (the caller
    ///    lowers `max_tokens`, so the provider cannot bill past the budget);
    /// 4. that minimum fits once calls in flight settle: wait;
    /// 5. otherwise: denied, with the numbers for the message.
    public mutating func reserve(call: BudgetCall) -> BudgetGrant {
        let full = call.cost(outputTokens: call.maxOutputTokens)
        let enforced = limits.filter { $0.mode == .enforce }
        let freeNow = enforced.map { (scope: $0.scope, free: remaining(under: $0)) }.min { $0.free < $1.free }
        let freeSettled =
            enforced.map { (scope: $0.scope, free: max(.zero, $0.limit - state($0.scope).spent)) }
            .min { $0.free < $1.free }
        func grant(_ tokens: Int) -> BudgetGrant {
            let amount = call.cost(outputTokens: tokens)
            guard case .allowedWithWarning(let warnings) = reserve(amount) else {
                return .granted(outputTokens: tokens, reserved: amount, warnings: [])
            }
            return .granted(outputTokens: tokens, reserved: amount, warnings: warnings)
        }
        guard let freeNow, let freeSettled else { return grant(call.maxOutputTokens) }
        if full <= freeNow.free { return grant(call.maxOutputTokens) }
        if full <= freeSettled.free { return .wait(scope: freeNow.scope) }
        if let tokens = call.affordableOutput(within: freeNow.free), tokens >= call.minOutputTokens,
            tokens > 0
        {
            return grant(tokens)
        }
        if let tokens = call.affordableOutput(within: freeSettled.free), tokens >= call.minOutputTokens,
            tokens > 0, freeSettled.free > freeNow.free
        {
            return .wait(scope: freeNow.scope)
        }
        return .denied(
            scope: freeNow.scope, remaining: freeNow.free,
            needed: call.cost(outputTokens: call.minOutputTokens))
    }
}
