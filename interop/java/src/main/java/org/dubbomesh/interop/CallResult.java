package org.dubbomesh.interop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.dubbo.rpc.StatusRpcException;
import org.apache.dubbo.rpc.TriRpcStatus;

/**
 * One JSON line of the consumer's output: {"kind":..,"ok":true,..} or
 * {"kind":..,"ok":false,"code":"<gRPC code name>","message":..,"exception":..}.
 */
final class CallResult {
    private CallResult() {}

    static Map<String, Object> ok(String kind, String field, Object value) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kind", kind);
        result.put("ok", true);
        result.put(field, value);
        return result;
    }

    static Map<String, Object> failure(String kind, Throwable error) {
        Throwable cause = unwrap(error);
        // Dubbo wraps the server's status in RpcException(ExecutionException(StatusRpcException)):
        // the innermost StatusRpcException carries the code that came over the wire.
        StatusRpcException wire = findStatus(error);
        TriRpcStatus status;
        if (wire != null) {
            status = wire.getStatus();
            cause = wire;
        } else if (cause instanceof TimeoutException) {
            status = TriRpcStatus.DEADLINE_EXCEEDED.withDescription(cause.getMessage());
        } else {
            // Maps RpcException codes (timeout, network, forbidden, ...) to the gRPC code Dubbo would use.
            status = TriRpcStatus.getStatus(cause);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kind", kind);
        result.put("ok", false);
        result.put("code", status.code.name());
        result.put("message", status.description != null ? status.description : String.valueOf(cause.getMessage()));
        result.put("exception", cause.getClass().getName());
        return result;
    }

    private static StatusRpcException findStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StatusRpcException status) {
                return status;
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
