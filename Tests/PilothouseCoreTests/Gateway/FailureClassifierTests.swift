import Foundation
import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("FailureClassifier")
    struct FailureClassifierTests {
        @Test(arguments: [
            (408, FailureClass.timeout),
            (409, .conflict),
            (425, .conflict),
            (429, .rateLimited),
            (500, .serverError),
            (502, .serverError),
            (503, .overloaded),
            (504, .timeout),
            (529, .overloaded),
            (599, .serverError),
        ])
        func transientStatuses(status: Int, expected: FailureClass) {
            let result = FailureClassifier.classify(status: status)
            #expect(result == expected)
            #expect(result.isTransient)
        }

        @Test(arguments: [
            (400, FailureClass.invalidRequest),
            (401, .authentication),
            (403, .authentication),
            (404, .notFound),
            (413, .contextLengthExceeded),
            (418, .invalidRequest),
            (422, .invalidRequest),
        ])
        func permanentStatuses(status: Int, expected: FailureClass) {
            let result = FailureClassifier.classify(status: status)
            #expect(result == expected)
            #expect(!result.isTransient)
        }

        @Test func bodiesRefineTheStatus() {
            let openAIContext =
                #"{"error":{"code":"context_length_exceeded","message":"This model's maximum context length is 128000 tokens."}}"#
            #expect(FailureClassifier.classify(status: 400, body: openAIContext) == .contextLengthExceeded)
            let anthropicContext =
                #"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#
            #expect(FailureClassifier.classify(status: 400, body: anthropicContext) == .contextLengthExceeded)
            let quota =
                #"{"error":{"type":"insufficient_quota","message":"You exceeded your current quota"}}"#
            #expect(FailureClassifier.classify(status: 429, body: quota) == .authentication)
            #expect(
                FailureClassifier.classify(status: 500, body: #"{"error":{"type":"overloaded_error"}}"#)
                    == .overloaded)
            #expect(
                FailureClassifier.classify(status: 400, body: #"{"error":"bad json"}"#) == .invalidRequest)
        }

        @Test(arguments: [
            (TransportFailure.timedOut, FailureClass.timeout),
            (.connectionReset, .network),
            (.connectionRefused, .network),
            (.connectionLost, .network),
            (.hostNotFound, .network),
            (.tlsFailure, .network),
            (.malformedResponse, .serverError),
            (.cancelled, .cancelled),
        ])
        func transportFailures(failure: TransportFailure, expected: FailureClass) {
            #expect(FailureClassifier.classify(error: failure) == expected)
        }

        @Test func foundationErrors() {
            #expect(FailureClassifier.classify(error: URLError(.timedOut)) == .timeout)
            #expect(FailureClassifier.classify(error: URLError(.networkConnectionLost)) == .network)
            #expect(FailureClassifier.classify(error: URLError(.cancelled)) == .cancelled)
            #expect(FailureClassifier.classify(error: URLError(.badURL)) == .invalidRequest)
            #expect(FailureClassifier.classify(error: POSIXError(.ECONNRESET)) == .network)
            #expect(FailureClassifier.classify(error: POSIXError(.ETIMEDOUT)) == .timeout)
            #expect(FailureClassifier.classify(error: CancellationError()) == .cancelled)
        }

        @Test func onlyHealthSignalsTripTheBreaker() {
            let tripping = Set(FailureClass.allCases.filter(\.countsTowardCircuitBreaker))
            #expect(tripping == [.overloaded, .serverError, .timeout, .network])
            #expect(tripping.allSatisfy { $0.isTransient })
            #expect(!FailureClass.cancelled.isTransient)
            #expect(FailureClass.contextLengthExceeded.fallbackMayHelp)
            #expect(!FailureClass.authentication.fallbackMayHelp)
        }
    }
}
