package org.dubbomesh.interop;

/**
 * A business exception with a field of its own and a cause: what a Dubbo2 peer must carry as
 * RESPONSE_WITH_EXCEPTION (Hessian writes every field, Throwable's included).
 */
public class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private int code;

    public DemoException(String message, int code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int getCode() {
        return code;
    }
}
