package org.dubbomesh.interop;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * What DemoService.placeOrder computes from its arguments: nested POJOs (User, Item), a list of
 * them, a map of them, a long, a Date, a BigDecimal the provider calculated, an enum and an int[].
 */
public class Order implements Serializable {
    private static final long serialVersionUID = 1L;

    private long id;
    private User buyer;
    private List<Item> items;
    private Map<String, Item> itemsBySku;
    private Map<String, String> notes;
    private Date created;
    private BigDecimal total;
    private OrderStatus status;
    private int[] quantities;

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public User getBuyer() {
        return buyer;
    }

    public void setBuyer(User buyer) {
        this.buyer = buyer;
    }

    public List<Item> getItems() {
        return items;
    }

    public void setItems(List<Item> items) {
        this.items = items;
    }

    public Map<String, Item> getItemsBySku() {
        return itemsBySku;
    }

    public void setItemsBySku(Map<String, Item> itemsBySku) {
        this.itemsBySku = itemsBySku;
    }

    public Map<String, String> getNotes() {
        return notes;
    }

    public void setNotes(Map<String, String> notes) {
        this.notes = notes;
    }

    public Date getCreated() {
        return created;
    }

    public void setCreated(Date created) {
        this.created = created;
    }

    public BigDecimal getTotal() {
        return total;
    }

    public void setTotal(BigDecimal total) {
        this.total = total;
    }

    public OrderStatus getStatus() {
        return status;
    }

    public void setStatus(OrderStatus status) {
        this.status = status;
    }

    public int[] getQuantities() {
        return quantities;
    }

    public void setQuantities(int[] quantities) {
        this.quantities = quantities;
    }
}
