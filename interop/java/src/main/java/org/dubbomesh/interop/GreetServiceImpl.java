package org.dubbomesh.interop;

import java.util.ArrayList;
import java.util.List;

import org.apache.dubbo.common.stream.StreamObserver;
import org.apache.dubbo.rpc.StatusRpcException;
import org.apache.dubbo.rpc.TriRpcStatus;
import org.dubbomesh.greet.v1.DubboGreetServiceTriple;
import org.dubbomesh.greet.v1.GreetRequest;
import org.dubbomesh.greet.v1.GreetResponse;

/**
 * greet.v1.GreetService as the tests expect it from the Java peer. Two magic names drive the
 * failure paths: "error" fails with INVALID_ARGUMENT, "slow" answers after 2 s (for deadlines).
 */
final class GreetServiceImpl extends DubboGreetServiceTriple.GreetServiceImplBase {
    static final String ERROR_NAME = "error";
    static final String SLOW_NAME = "slow";
    static final long SLOW_MILLIS = 2000;

    /** " from java[:group:version]": lets a test tell which provider answered. */
    private final String origin;

    GreetServiceImpl(String group, String version) {
        this.origin = group == null && version == null
                ? " from java"
                : " from java:" + (group == null ? "" : group) + ":" + (version == null ? "" : version);
    }

    @Override
    public GreetResponse greet(GreetRequest request) {
        String name = request.getName();
        if (ERROR_NAME.equals(name)) {
            throw invalidName(name);
        }
        if (SLOW_NAME.equals(name)) {
            sleep(SLOW_MILLIS);
        }
        return reply("Hello, " + name + origin);
    }

    @Override
    public void greetServerStream(GreetRequest request, StreamObserver<GreetResponse> responseObserver) {
        String name = request.getName();
        if (ERROR_NAME.equals(name)) {
            responseObserver.onError(invalidName(name));
            return;
        }
        for (int i = 1; i <= 3; i++) {
            responseObserver.onNext(reply("Hello, " + name + " #" + i));
        }
        responseObserver.onCompleted();
    }

    @Override
    public StreamObserver<GreetRequest> greetClientStream(StreamObserver<GreetResponse> responseObserver) {
        List<String> names = new ArrayList<>();
        return new StreamObserver<>() {
            @Override
            public void onNext(GreetRequest request) {
                synchronized (names) {
                    names.add(request.getName());
                }
            }

            @Override
            public void onError(Throwable error) {
                Console.log("client stream failed: " + error);
            }

            @Override
            public void onCompleted() {
                String joined;
                synchronized (names) {
                    joined = String.join(", ", names);
                }
                responseObserver.onNext(reply("Hello, " + joined));
                responseObserver.onCompleted();
            }
        };
    }

    @Override
    public StreamObserver<GreetRequest> greetBidiStream(StreamObserver<GreetResponse> responseObserver) {
        return new StreamObserver<>() {
            @Override
            public void onNext(GreetRequest request) {
                responseObserver.onNext(reply("Hello, " + request.getName()));
            }

            @Override
            public void onError(Throwable error) {
                Console.log("bidi stream failed: " + error);
            }

            @Override
            public void onCompleted() {
                responseObserver.onCompleted();
            }
        };
    }

    private static StatusRpcException invalidName(String name) {
        return TriRpcStatus.fromCode(TriRpcStatus.Code.INVALID_ARGUMENT)
                .withDescription("invalid name: " + name)
                .asException();
    }

    private static GreetResponse reply(String greeting) {
        return GreetResponse.newBuilder().setGreeting(greeting).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
