package org.dubbomesh.interop;

import org.apache.dubbo.remoting.http12.HttpMethods;
import org.apache.dubbo.remoting.http12.rest.Mapping;
import org.dubbomesh.greet.v1.GreetRequest;
import org.dubbomesh.greet.v1.GreetResponse;

/**
 * JSON unary ("Triple HTTP RPC") for greet.v1.GreetService/Greet.
 *
 * Dubbo 3.3.5 serves JSON unary only through its REST mapping registry, which skips services built
 * from dubbo-compiler stubs: it looks methods up by the Java name ("greet") while the stub knows
 * them by the proto name ("Greet"), so `POST /greet.v1.GreetService/Greet` with application/json
 * answers 404 "Invoker not found" (apache/dubbo#14781, #15447). This plain interface maps the same
 * path with Dubbo's own @Mapping, which is how Dubbo serves JSON for non-IDL services. gRPC
 * requests never reach it: Dubbo routes application/grpc* to the stub before REST mappings.
 */
@Mapping("/greet.v1.GreetService")
public interface GreetJsonService {
    @Mapping(path = "/Greet", method = HttpMethods.POST)
    GreetResponse greet(GreetRequest request);
}
