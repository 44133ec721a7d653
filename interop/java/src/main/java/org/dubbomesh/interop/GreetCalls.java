package org.dubbomesh.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.dubbo.common.stream.StreamObserver;
import org.dubbomesh.greet.v1.GreetRequest;
import org.dubbomesh.greet.v1.GreetResponse;
import org.dubbomesh.greet.v1.GreetService;

/** The four RPC kinds of greet.v1.GreetService, each turned into one result map. */
final class GreetCalls {
    private final GreetService service;
    private final long timeoutMs;

    GreetCalls(GreetService service, long timeoutMs) {
        this.service = service;
        this.timeoutMs = timeoutMs;
    }

    Map<String, Object> unary(String name) {
        try {
            return CallResult.ok("unary", "greeting", service.greet(request(name)).getGreeting());
        } catch (RuntimeException e) {
            return CallResult.failure("unary", e);
        }
    }

    Map<String, Object> serverStream(String name) {
        String kind = "server-stream";
        try {
            Collector collector = new Collector();
            service.greetServerStream(request(name), collector);
            return CallResult.ok(kind, "greetings", collector.await(timeoutMs));
        } catch (Exception e) {
            return CallResult.failure(kind, e);
        }
    }

    Map<String, Object> clientStream(List<String> names) {
        String kind = "client-stream";
        try {
            Collector collector = new Collector();
            StreamObserver<GreetRequest> requests = service.greetClientStream(collector);
            names.forEach(n -> requests.onNext(request(n)));
            requests.onCompleted();
            List<String> greetings = collector.await(timeoutMs);
            return CallResult.ok(kind, "greeting", greetings.isEmpty() ? null : greetings.get(0));
        } catch (Exception e) {
            return CallResult.failure(kind, e);
        }
    }

    Map<String, Object> bidi(List<String> names) {
        String kind = "bidi";
        try {
            Collector collector = new Collector();
            StreamObserver<GreetRequest> requests = service.greetBidiStream(collector);
            names.forEach(n -> requests.onNext(request(n)));
            requests.onCompleted();
            return CallResult.ok(kind, "greetings", collector.await(timeoutMs));
        } catch (Exception e) {
            return CallResult.failure(kind, e);
        }
    }

    private static GreetRequest request(String name) {
        return GreetRequest.newBuilder().setName(name).build();
    }

    /** Gathers a response stream; completes with the greetings or the stream's error. */
    private static final class Collector implements StreamObserver<GreetResponse> {
        private final List<String> greetings = new ArrayList<>();
        private final CompletableFuture<List<String>> done = new CompletableFuture<>();

        @Override
        public synchronized void onNext(GreetResponse response) {
            greetings.add(response.getGreeting());
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public synchronized void onCompleted() {
            done.complete(List.copyOf(greetings));
        }

        List<String> await(long timeoutMs) throws Exception {
            return done.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
    }
}
