package org.dubbomesh.interop;

import org.dubbomesh.greet.v1.GreetRequest;
import org.dubbomesh.greet.v1.GreetResponse;

/** Answers exactly as the gRPC GreetService does, so JSON and gRPC callers see the same provider. */
final class GreetJsonServiceImpl implements GreetJsonService {
    private final GreetServiceImpl delegate;

    GreetJsonServiceImpl(GreetServiceImpl delegate) {
        this.delegate = delegate;
    }

    @Override
    public GreetResponse greet(GreetRequest request) {
        return delegate.greet(request);
    }
}
