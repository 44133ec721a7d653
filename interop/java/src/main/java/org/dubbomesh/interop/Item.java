package org.dubbomesh.interop;

import java.io.Serializable;
import java.math.BigDecimal;

/** A line of an Order: nested inside lists and maps, so Hessian class references get exercised. */
public class Item implements Serializable {
    private static final long serialVersionUID = 1L;

    private String sku;
    private int quantity;
    private BigDecimal price;

    public Item() {}

    public Item(String sku, int quantity, BigDecimal price) {
        this.sku = sku;
        this.quantity = quantity;
        this.price = price;
    }

    public String getSku() {
        return sku;
    }

    public void setSku(String sku) {
        this.sku = sku;
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }

    public BigDecimal getPrice() {
        return price;
    }

    public void setPrice(BigDecimal price) {
        this.price = price;
    }

    @Override
    public String toString() {
        return "Item{sku=" + sku + ", quantity=" + quantity + ", price=" + price + "}";
    }
}
