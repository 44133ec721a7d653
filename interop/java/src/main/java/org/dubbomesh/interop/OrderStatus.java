package org.dubbomesh.interop;

/** An enum inside a POJO: Hessian writes it as an object of the enum class with one field, name. */
public enum OrderStatus {
    NEW,
    PAID,
    SHIPPED
}
