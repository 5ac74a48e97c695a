import Foundation
import PilothouseCore

/// The one way the product calls models: a priority queue in front of every provider that
/// keeps each `provider:model` inside its configured requests/min, tokens/min and concurrency,
/// retries transient failures with jittered backoff (never sooner than the server's
/// Retry-After), falls back along `fallbacks`, trips a circuit breaker per model, reserves and
/// settles budget around every call, and writes a ledger row for every attempt.
///
/// Queue state lives on the actor; store work (SQLite, possibly waiting on another
/// process's lock) runs off it, so one slow transaction never stalls admission of other calls.
public actor Gateway: ModelClient {
    public nonisolated let options: GatewayOptions
    public nonisolated let runID: String?
    /// Gateway events; a single consumer (the engine) should iterate it.
    public nonisolated let events: AsyncStream<GatewayEvent>
    nonisolated let eventSink: AsyncStream<GatewayEvent>.Continuation
    nonisolated let providers: [String: any ModelProvider]
    nonisolated let store: (any GatewayStore)?
    nonisolated let clock: any GatewayClock
    nonisolated let defaultProvider: String

    private var lanes: [ModelRoute: ModelLane] = [:]
    private var waiters: [GatewayWaiter] = []
    private var nextID: UInt64 = 0
    private var servedTick: UInt64 = 0
    private var lastServed: [String: UInt64] = [:]
    private var timer: Task<Void, Never>?
    private var timerDeadline: ContinuousClock.Instant?
    private var timerGeneration: UInt64 = 0
    private var unpricedReported: Set<String> = []
    /// Corrupt response-cache entries found and purged by this gateway.
    public private(set) var corruptCacheEntriesPurged = 0

    public init(
        options: GatewayOptions, providers: [String: any ModelProvider], store: (any GatewayStore)?,
        runID: String?,
        clock: any GatewayClock = SystemGatewayClock()
    ) {
        self.options = options
        self.providers = providers
        self.store = store
        self.runID = runID
        self.clock = clock
        let (stream, continuation) = AsyncStream.makeStream(
            of: GatewayEvent.self, bufferingPolicy: .bufferingNewest(1024))
        events = stream
        eventSink = continuation
        let names = Set(providers.keys)
        if let colon = options.defaultModel.firstIndex(of: ":"),
            names.contains(String(options.defaultModel[..<colon]))
        {
            defaultProvider = String(options.defaultModel[..<colon])
        } else {
            defaultProvider =
                names.contains("simulated") ? "simulated" : (names.sorted().first ?? "simulated")
        }
    }

    deinit { eventSink.finish() }

    // MARK: - ModelClient

    public nonisolated func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse
    {
        let chain = try routes(for: request)
        let primary = chain[0]
        var cacheKey: String?
        if store != nil, options.cache.applies(to: request.stage) {
            let key = ResponseCacheKey.make(request, route: primary)
            cacheKey = key
            if let cached = await cachedResponse(key: key, request: request, route: primary) { return cached }
        }
        let started = clock.now
        var attempts = 0
        var lastError = "no attempt was made"
        var lastFailure: ProviderError?
        var waited = Duration.zero
        while true {
            for (index, route) in chain.enumerated() {
                let outcome = try await run(
                    request, on: route, requested: primary, attempts: &attempts, lastError: &lastError,
                    lastFailure: &lastFailure, waited: &waited)
                if case .served(let response) = outcome {
                    if let cacheKey {
                        await storeInCache(key: cacheKey, request: request, response: response)
                    }
                    return response
                }
                if index + 1 < chain.count {
                    let reason = if case .circuitOpen = outcome { "circuit open" } else { lastError }
                    emit(.fellBack(from: route.id, to: chain[index + 1].id, reason: reason))
                }
            }
            // Every model failed or is open. An open circuit is a reason to wait, not to
            // spend the job's attempts: the engine sees this call as slow, not failed.
            guard let wait = await circuitWait(chain) else {
                throw Self.finalError(
                    primary: primary, attempts: attempts, lastError: lastError, lastFailure: lastFailure)
            }
            guard started.duration(to: clock.now) + wait <= options.circuitWait else {
                throw .circuitOpen(model: primary.id)
            }
            do {
                try await clock.sleep(until: clock.now + wait)
            } catch {
                throw .cancelled
            }
        }
    }

    // MARK: - Gauges

    /// Rate use and circuit state of every model used so far or configured.
    public func modelGauges() -> [ModelGauge] {
        let now = clock.now
        for id in options.models.keys {
            _ = lane(
                for: ModelRoute(parsing: id, providers: Set(providers.keys), defaultProvider: defaultProvider)
            )
        }
        return lanes.values.map { $0.gauge(now: now) }.sorted { $0.model < $1.model }
    }

    public var queueDepth: Int { waiters.count }
    public var inFlight: Int { lanes.values.reduce(0) { $0 + $1.inFlight } }

    /// Everything the gauges pane shows: spend and limits for this run and today (from the
    /// store, so spend by other engines sharing it is included), queue and model figures.
    public nonisolated func gauges() async -> Gauges {
        let models = await modelGauges()
        var gauges = Gauges(queueDepth: await queueDepth, inFlight: await inFlight, models: models)
        guard let store else { return gauges }
        let keys = BudgetKeys(runID: runID, jobID: nil, at: Date())
        let limits = options.budgetLimits
        if let (states, effective) = try? await offload({
            (try store.budgetStates(keys: keys), try store.effectiveLimits(keys: keys, configured: limits))
        }) {
            gauges.runSpend = states[.run]?.spent ?? .zero
            gauges.daySpend = states[.day]?.spent ?? .zero
            gauges.runBudget = effective.filter { $0.scope == .run }.map(\.limit).min()
            gauges.dayBudget = effective.filter { $0.scope == .day }.map(\.limit).min()
        }
        return gauges
    }

    // MARK: - One model

    private enum RouteOutcome {
        case served(ModelResponse)
        case circuitOpen
        case gaveUp
    }

    /// What the caller hears when every model of the chain gave up: a failure no retry can fix
    /// (a prompt too long for the window, a model that does not exist) says so; otherwise the
    /// retries were spent on transient trouble.
    private static func finalError(
        primary: ModelRoute, attempts: Int, lastError: String, lastFailure: ProviderError?
    ) -> ModelClientError {
        guard let lastFailure else {
            return .exhausted(model: primary.id, attempts: attempts, lastError: lastError)
        }
        switch lastFailure.failure {
        case .contextLengthExceeded:
            return .contextTooLarge(
                model: primary.id, overflow: ContextOverflow.parse(lastFailure.serverMessage),
                message: lastFailure.serverMessage)
        case .notFound:
            return .permanent(
                model: primary.id,
                message: "the model does not exist at its provider (\(lastError)); check the model name in "
                    + "pilothouse.toml against the provider's model list")
        default:
            return .exhausted(model: primary.id, attempts: attempts, lastError: lastError)
        }
    }

    /// Tries one model until it serves, fails for good, runs out of retries or its circuit
    /// opens. Permanent failures that no fallback can fix are thrown straight away.
    ///
    /// A refusal for rate or load (429, 529, a 503 with a hint) is not a failure: the model's
    /// lane is held until the provider's reset time, for every call using it, and this call
    /// queues again without spending a retry. `waited` adds up those waits across the chain;
    /// past `rateLimitWait` the call fails with `rateLimited`.
    ///
    /// Not optimised: Swift 6.3's CopyPropagation pass crashes the compiler on this function
    /// ("Found ownership error?!") in release builds. Its cost is a network call's, not the
    /// code's; drop the attribute when the toolchain no longer crashes on it.
    @_optimize(none)
    private nonisolated func run(
        _ request: ModelRequest, on route: ModelRoute, requested: ModelRoute, attempts: inout Int,
        lastError: inout String, lastFailure: inout ProviderError?, waited: inout Duration
    ) async throws(ModelClientError) -> RouteOutcome {
        guard let provider = providers[route.provider] else { throw .unknownModel(route.id) }
        let reservation = options.estimator.reservation(
            messages: request.messages.map(\.content), maxOutputTokens: request.maxOutputTokens)
        let price = options.pricing.price(forAnyOf: [route.id, route.model])
        if price == nil { await reportUnpriced(route) }
        let budgetCall = BudgetCall(
            price: price ?? .free, inputTokens: reservation.input, maxOutputTokens: request.maxOutputTokens,
            minOutputTokens: options.minOutputTokens)
        let timeout = options.timeouts[route.provider] ?? options.defaultTimeout
        var attempt = 0
        var waits = 0
        while true {
            if Task.isCancelled { throw .cancelled }
            if await isCircuitBlocked(route) { return .circuitOpen }
            if let until = await heldUntil(route) {
                await reportWait(route: route, request: request, until: until, reason: "rate limited")
            }
            let keys = BudgetKeys(runID: runID, jobID: request.jobID, at: Date())
            let (estimatedCost, outputTokens) = try await reserve(
                keys: keys, call: budgetCall, request: request, route: route)
            var sent = request
            sent.maxOutputTokens = outputTokens
            let admission: GatewayWaiter.Admission
            do {
                admission = try await acquire(
                    route: route, priority: request.priority, job: request.jobID?.rawValue ?? "",
                    tokens: reservation.total)
            } catch {
                await settle(keys: keys, reserved: estimatedCost, actual: .zero, entry: nil)
                throw .cancelled
            }
            guard case .granted(let ticket) = admission else {
                await settle(keys: keys, reserved: estimatedCost, actual: .zero, entry: nil)
                return .circuitOpen
            }
            attempts += 1
            let callStarted = clock.now
            let result: Result<ProviderReply, ProviderError>
            do {
                result = .success(
                    try await provider.send(
                        ProviderCall(
                            request: sent, model: route.model, attempt: attempts, timeout: timeout)
                    ))
            } catch {
                result = .failure(error)
            }
            let latency = Self.millis(callStarted.duration(to: clock.now))
            switch result {
            case .success(let reply):
                await finish(
                    ticket, actualTokens: reply.tokens.total, rateLimits: reply.rateLimits, hold: nil,
                    adapt: false, failure: nil)
                let cost = price?.cost(of: reply.tokens) ?? .zero
                let entry = LedgerEntry(
                    runID: runID, jobID: request.jobID, stage: request.stage, provider: route.provider,
                    model: route.model, requestedModel: requested.id, requestID: reply.requestID,
                    tokens: reply.tokens,
                    cost: cost, latencyMillis: latency, outcome: LedgerEntry.outcomeOK,
                    attempt: request.attempt)
                let callID = await settle(keys: keys, reserved: estimatedCost, actual: cost, entry: entry)
                if options.transcripts {
                    await recordTranscript(request: request, route: route, reply: reply, callID: callID)
                }
                return .served(
                    ModelResponse(
                        text: reply.text, provider: route.provider, model: route.id,
                        requestID: reply.requestID,
                        tokens: reply.tokens, cost: cost, latencyMillis: latency))
            case .failure(let error):
                let failure = Task.isCancelled ? .cancelled : error.failure
                let hint = [error.retryAfter, error.rateLimits?.impliedWait].compactMap { $0 }.max()
                let isWait = FailureClassifier.isWait(status: error.status, failure: failure, retryHint: hint)
                // With no hint of any dialect the lane adapts its own rate and waits a backoff.
                var random = SystemRandomNumberGenerator()
                let hold: Duration? =
                    isWait ? (hint ?? options.backoff.delay(attempt: waits, random: &random)) : nil
                await finish(
                    ticket, actualTokens: 0, rateLimits: error.rateLimits, hold: hold,
                    adapt: isWait && hint == nil && (error.rateLimits?.isEmpty ?? true), failure: failure)
                let entry = LedgerEntry(
                    runID: runID, jobID: request.jobID, stage: request.stage, provider: route.provider,
                    model: route.model, requestedModel: requested.id, requestID: error.requestID,
                    latencyMillis: latency, outcome: failure.rawValue, attempt: request.attempt,
                    detail: error.description)
                await settle(keys: keys, reserved: estimatedCost, actual: .zero, entry: entry)
                if failure == .cancelled { throw .cancelled }
                lastError = "\(route.id): \(error)"
                lastFailure = error
                if let hold {
                    waits += 1
                    waited += hold
                    guard waited <= options.rateLimitWait else {
                        throw .rateLimited(
                            model: route.id, waitedSeconds: Self.seconds(waited),
                            limitSeconds: Self.seconds(options.rateLimitWait), lastError: lastError)
                    }
                    let reason = error.status.map { "HTTP \($0)" } ?? failure.rawValue
                    let until = clock.now + hold
                    emit(
                        .rateLimited(
                            model: route.id, jobID: request.jobID,
                            resumesAt: Date().addingTimeInterval(Double(Self.millis(hold)) / 1000),
                            reason: reason))
                    await reportWait(route: route, request: request, until: until, reason: reason)
                    continue
                }
                if failure == .authentication {
                    await trip(route)
                    throw .permanent(
                        model: route.id, message: authenticationAdvice(route: route, error: error))
                }
                if failure.isTransient {
                    attempt += 1
                    guard options.backoff.allowsRetry(attempt: attempt - 1), await !isCircuitBlocked(route)
                    else {
                        return .gaveUp
                    }
                    let delay = options.backoff.delay(
                        attempt: attempt - 1, retryAfter: error.retryAfter, random: &random)
                    emit(.retrying(model: route.id, attempt: attempt, delay: delay, failure: failure))
                    do {
                        try await clock.sleep(until: clock.now + delay)
                    } catch {
                        throw .cancelled
                    }
                    continue
                }
                if failure.fallbackMayHelp { return .gaveUp }
                throw .permanent(model: route.id, message: error.description)
            }
        }
    }

    /// The requested model followed by its fallbacks, breadth first, without repeats.
    nonisolated func routes(for request: ModelRequest) throws(ModelClientError) -> [ModelRoute] {
        let names = Set(providers.keys)
        let text = request.model.isEmpty ? options.defaultModel : request.model
        let primary = ModelRoute(parsing: text, providers: names, defaultProvider: defaultProvider)
        guard providers[primary.provider] != nil else { throw .unknownModel(text) }
        var chain = [primary]
        var index = 0
        while index < chain.count && chain.count < 8 {
            let fallbacks = options.models[chain[index].id]?.fallbacks ?? []
            for name in fallbacks {
                let route = ModelRoute(parsing: name, providers: names, defaultProvider: defaultProvider)
                if providers[route.provider] != nil && !chain.contains(route) { chain.append(route) }
            }
            index += 1
        }
        return chain
    }

    // MARK: - Queue (actor-isolated)

    private func lane(for route: ModelRoute) -> ModelLane {
        if let lane = lanes[route] { return lane }
        let lane = ModelLane(
            route: route, settings: options.models[route.id], defaultConcurrency: options.defaultConcurrency,
            breaker: CircuitBreaker(
                failureThreshold: options.breakerFailures, cooldown: options.breakerCooldown),
            now: clock.now)
        lanes[route] = lane
        return lane
    }

    private func isCircuitBlocked(_ route: ModelRoute) -> Bool {
        lane(for: route).circuitBlocks(now: clock.now).blocked
    }

    /// When the provider lets calls to `route` through again, if it is holding them back.
    private func heldUntil(_ route: ModelRoute) -> ContinuousClock.Instant? {
        lane(for: route).heldUntil(now: clock.now)
    }

    /// Opens the model's circuit at once: every further call would be refused the same way.
    private func trip(_ route: ModelRoute) {
        var lane = lane(for: route)
        let transition = lane.breaker.trip(now: clock.now)
        lanes[route] = lane
        if let transition {
            emit(.circuitChanged(model: route.id, from: transition.from, to: transition.to))
        }
    }

    /// Tells the stage awaiting this call (if any) that it waits for the provider, so its
    /// job's beads say until when and its deadline does not count the time.
    private nonisolated func reportWait(
        route: ModelRoute, request: ModelRequest, until: ContinuousClock.Instant, reason: String
    ) async {
        guard let observer = ModelCallObservation.observer else { return }
        let remaining = clock.now.duration(to: until)
        guard remaining > .zero else { return }
        await observer.waiting(
            model: route.id, until: Date().addingTimeInterval(Double(Self.millis(remaining)) / 1000),
            reason: reason)
    }

    /// An authentication refusal, with the one thing to check: the key variable.
    private nonisolated func authenticationAdvice(route: ModelRoute, error: ProviderError) -> String {
        if case .missingKey = error { return error.description }
        guard let variable = options.keyVariables[route.provider] else {
            return
                "\(error.serverMessage); provider \(route.provider) sends no key: set api_key_env in [providers.\(route.provider)]"
        }
        return
            "\(error.serverMessage); check the key in $\(variable) (api_key_env of [providers.\(route.provider)]); "
            + "the circuit for \(route.id) is open until it is fixed"
    }

    /// How long until some model of the chain may be probed; nil when none is open.
    private func circuitWait(_ chain: [ModelRoute]) -> Duration? {
        let now = clock.now
        var wait: Duration?
        for route in chain {
            let state = lane(for: route).circuitBlocks(now: now)
            let candidate: Duration
            if state.blocked {
                candidate = state.retryIn ?? .milliseconds(250)
            } else if case .closed = lane(for: route).breaker.state {
                continue
            } else {
                candidate = .zero
            }
            wait = min(wait ?? candidate, candidate)
        }
        return wait
    }

    private func acquire(route: ModelRoute, priority: Priority, job: String, tokens: Int) async throws
        -> GatewayWaiter.Admission
    {
        nextID += 1
        let id = nextID
        _ = lane(for: route)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<GatewayWaiter.Admission, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiters.append(
                    GatewayWaiter(
                        id: id, route: route, priority: priority, job: job, tokens: tokens,
                        continuation: continuation))
                pump()
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: CancellationError())
        pump()
    }

    private func finish(
        _ ticket: GatewayTicket, actualTokens: Int, rateLimits: RateLimitSnapshot?, hold: Duration?,
        adapt: Bool, failure: FailureClass?
    ) {
        let now = clock.now
        var lane = lane(for: ticket.route)
        if adapt { lane.adaptToRefusal(now: now) }
        if failure == nil { lane.recoverAfterSuccess(now: now) }
        lane.finish(
            id: ticket.id, estimated: ticket.tokens, actual: actualTokens, rateLimits: rateLimits, hold: hold,
            now: now)
        var transition: CircuitBreaker.Transition?
        if let failure {
            if failure.countsTowardCircuitBreaker {
                transition = lane.breaker.recordFailure(now: now)
            } else if ticket.probe {
                lane.breaker.releaseProbe()
            }
        } else {
            transition = lane.breaker.recordSuccess()
        }
        lanes[ticket.route] = lane
        if let transition {
            emit(.circuitChanged(model: ticket.route.id, from: transition.from, to: transition.to))
        }
        pump()
    }

    /// Grants every waiter that can start now, best first per model, and arms one timer for
    /// the earliest moment a blocked model frees up. Within a model: lower priority value
    /// first, then the job served longest ago (round-robin between jobs), then arrival order.
    private func pump() {
        let now = clock.now
        var nextWake: Duration?
        var blocked: Set<ModelRoute> = []
        while let index = bestWaiter(excluding: blocked) {
            let waiter = waiters[index]
            var lane = lane(for: waiter.route)
            let circuit = lane.circuitBlocks(now: now)
            if circuit.blocked {
                waiters.remove(at: index)
                waiter.continuation.resume(returning: .circuitOpen(retryIn: circuit.retryIn))
                continue
            }
            switch lane.check(tokenCount: waiter.tokens, now: now) {
            case .grant:
                lane.take(id: waiter.id, tokenCount: waiter.tokens, now: now)
                var probe = false
                if case .probe(let transition) = lane.breaker.admit(now: now) {
                    probe = true
                    if let transition {
                        emit(
                            .circuitChanged(model: waiter.route.id, from: transition.from, to: transition.to))
                    }
                }
                lanes[waiter.route] = lane
                servedTick += 1
                lastServed[Self.fairnessKey(waiter)] = servedTick
                waiters.remove(at: index)
                waiter.continuation.resume(
                    returning: .granted(
                        GatewayTicket(id: waiter.id, route: waiter.route, tokens: waiter.tokens, probe: probe)
                    ))
            case .wait(let delay):
                lanes[waiter.route] = lane
                blocked.insert(waiter.route)
                nextWake = min(nextWake ?? delay, delay)
            case .busy:
                lanes[waiter.route] = lane
                blocked.insert(waiter.route)
            }
        }
        if let nextWake { schedule(after: nextWake, now: now) }
    }

    private static func fairnessKey(_ waiter: GatewayWaiter) -> String {
        "\(waiter.priority.rawValue)|\(waiter.job)"
    }

    private func bestWaiter(excluding blocked: Set<ModelRoute>) -> Int? {
        var best: (index: Int, key: (Int, UInt64, UInt64))?
        for (index, waiter) in waiters.enumerated() where !blocked.contains(waiter.route) {
            let key = (waiter.priority.rawValue, lastServed[Self.fairnessKey(waiter)] ?? 0, waiter.id)
            if best == nil || key < best!.key { best = (index, key) }
        }
        return best?.index
    }

    private func schedule(after delay: Duration, now: ContinuousClock.Instant) {
        let deadline = now + delay
        if let timerDeadline, timer != nil, timerDeadline <= deadline { return }
        timer?.cancel()
        timerGeneration += 1
        let generation = timerGeneration
        timerDeadline = deadline
        let clock = self.clock
        timer = Task {
            try? await clock.sleep(until: deadline)
            guard !Task.isCancelled else { return }
            self.timerFired(generation)
        }
    }

    private func timerFired(_ generation: UInt64) {
        guard generation == timerGeneration else { return }
        timer = nil
        timerDeadline = nil
        pump()
    }

    private func reportUnpriced(_ route: ModelRoute) {
        guard unpricedReported.insert(route.id).inserted else { return }
        emit(
            .notice(
                "no price for \(route.id): its calls are recorded at $0 and budgets cannot limit them; add [pricing.\"\(route.model)\"]"
            ))
    }

    private func notePurgedCacheEntry() { corruptCacheEntriesPurged += 1 }

    nonisolated func emit(_ event: GatewayEvent) { eventSink.yield(event) }

    // MARK: - Store (off the actor)

    /// How often a call that waits for other calls' reservations asks the budget again.
    static let budgetPoll: Duration = .milliseconds(200)

    /// Reserves the call's worst case (or fewer output tokens, when that is all the budget
    /// pays for) and returns what was reserved and the `max_tokens` to send. A call that fits
    /// once calls in flight settle waits for them, up to `rateLimitWait`; one the budget cannot
    /// pay even with nothing in flight is refused with the numbers.
    private nonisolated func reserve(
        keys: BudgetKeys, call: BudgetCall, request: ModelRequest, route: ModelRoute
    )
        async throws(ModelClientError) -> (Money, Int)
    {
        guard let store else { return (.zero, call.maxOutputTokens) }
        let limits = options.budgetLimits
        let started = clock.now
        while true {
            let grant: BudgetGrant
            do {
                grant = try await offload { try store.reserveBudget(keys: keys, call: call, limits: limits) }
            } catch {
                throw .permanent(model: route.id, message: "the budget ledger is unavailable: \(error)")
            }
            switch grant {
            case .granted(let tokens, let reserved, let warnings):
                if !warnings.isEmpty {
                    emit(.budgetWarning(scopes: warnings, jobID: request.jobID, model: route.id))
                }
                return (reserved, tokens)
            case .wait(let scope):
                guard started.duration(to: clock.now) < options.rateLimitWait else {
                    throw .budgetExceeded(
                        scope: scope.rawValue, remaining: .zero,
                        detail: "calls in flight held the \(scope.rawValue) budget for longer than "
                            + "rate_limit_wait_seconds; check for calls that never settled")
                }
                do {
                    try await clock.sleep(until: clock.now + Self.budgetPoll)
                } catch {
                    throw .cancelled
                }
            case .denied(let scope, let remaining, let needed):
                emit(.budgetDenied(scope: scope, remaining: remaining, jobID: request.jobID, model: route.id))
                throw .budgetExceeded(
                    scope: scope.rawValue, remaining: remaining,
                    detail: Self.budgetAdvice(
                        scope: scope, remaining: remaining, needed: needed, call: call, route: route))
            }
        }
    }

    /// The numbers behind a budget hold and what to change.
    static func budgetAdvice(
        scope: BudgetScope, remaining: Money, needed: Money, call: BudgetCall, route: ModelRoute
    ) -> String {
        let key = scope == .run ? "run_usd (or run --budget)" : "\(scope.rawValue)_usd"
        return "\(remaining) left; this call needs at least \(needed) (\(call.inputTokens) prompt tokens and "
            + "\(call.minOutputTokens) of its \(call.maxOutputTokens) output tokens at \(route.id)'s "
            + "\(call.price.inputPerMillion)/\(call.price.outputPerMillion) per Mtok); raise [budget] \(key), "
            + "lower [budget] min_output_tokens, or use a cheaper model"
    }

    @discardableResult
    private nonisolated func settle(keys: BudgetKeys, reserved: Money, actual: Money, entry: LedgerEntry?)
        async
        -> Int64?
    {
        guard let store else { return nil }
        do {
            return try await offload {
                try store.settleBudget(keys: keys, reserved: reserved, actual: actual, entry: entry)
            }
        } catch {
            // The spend happened: when even the store's retries could not record it, the
            // notice carries the row itself, so the operator's output still holds it.
            let unrecorded =
                entry.map {
                    "; unrecorded call: model \($0.model), job \($0.jobID?.rawValue ?? "-"), \($0.tokens.input) in / \($0.tokens.output) out tokens, \($0.cost)"
                } ?? ""
            emit(.notice("could not record a model call in the ledger: \(error)\(unrecorded)"))
            return nil
        }
    }

    private nonisolated func cachedResponse(key: String, request: ModelRequest, route: ModelRoute) async
        -> ModelResponse?
    {
        guard let store else { return nil }
        let ttl = TimeInterval(options.cache.ttlSeconds)
        guard let lookup = try? await offload({ try store.cacheLookup(key: key, ttl: ttl) }) else {
            return nil
        }
        switch lookup {
        case .miss: return nil
        case .corrupt:
            await notePurgedCacheEntry()
            emit(.cacheEntryPurged(key: key))
            return nil
        case .hit(let data):
            guard var response = try? JSONDecoder().decode(ModelResponse.self, from: data) else { return nil }
            response.cost = .zero
            response.latencyMillis = 0
            let entry = LedgerEntry(
                runID: runID, jobID: request.jobID, stage: request.stage, provider: response.provider,
                model: ModelRoute(
                    parsing: response.model, providers: Set(providers.keys), defaultProvider: defaultProvider
                ).model,
                requestedModel: route.id, requestID: response.requestID, outcome: LedgerEntry.outcomeCacheHit,
                attempt: request.attempt)
            do {
                _ = try await offload { try store.recordCall(entry) }
            } catch {
                emit(.notice("could not record a cache hit of \(route.id) in the ledger: \(error)"))
            }
            return response
        }
    }

    /// A response the redactor would change holds something secret-looking: it is not
    /// cached, because the cache lives under `.pilothouse/` and must never hold a secret.
    private nonisolated func storeInCache(key: String, request: ModelRequest, response: ModelResponse) async {
        guard let store, options.redact(response.text) == response.text,
            let data = try? JSONEncoder().encode(response)
        else { return }
        let maxBytes = options.cache.maxBytes
        // The cache is an optimisation: an entry that cannot be written costs a later miss,
        // and nothing recorded is lost, so this one write may fail quietly.
        _ = try? await offload {
            try store.cacheStore(
                key: key, stage: request.stage, model: response.model, payload: data, maxBytes: maxBytes)
        }
    }

    private nonisolated func recordTranscript(
        request: ModelRequest, route: ModelRoute, reply: ProviderReply, callID: Int64?
    )
        async
    {
        guard let store else { return }
        let prompt = options.redact(
            request.messages.map { "[\($0.role.rawValue)]\n\($0.content)" }.joined(separator: "\n\n"))
        let response = options.redact(reply.text)
        do {
            _ = try await offload {
                try store.appendTranscript(
                    callID: callID, jobID: request.jobID, stage: request.stage, model: route.id,
                    prompt: prompt,
                    response: response)
            }
        } catch {
            emit(.notice("could not record the transcript of a \(route.id) call: \(error)"))
        }
    }

    /// Runs blocking SQLite work on a dispatch queue instead of a cooperative-pool thread.
    private nonisolated func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws
        -> T
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func seconds(_ duration: Duration) -> Int { ModelLane.wholeSeconds(duration) }

    static func millis(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
