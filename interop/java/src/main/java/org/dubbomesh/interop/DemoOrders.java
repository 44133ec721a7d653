package org.dubbomesh.interop;

import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * placeOrder's logic, shared by the provider and the consumer (which checks a provider written in
 * another language computed the same order).
 */
final class DemoOrders {
    /** 2024-01-02T03:04:05.678Z: a Date with milliseconds, so the long form of Hessian dates is used. */
    static final long CREATED_MS = 1704164645678L;

    private DemoOrders() {}

    static Order place(User buyer, List<Item> items, Map<String, String> notes) {
        Order order = new Order();
        order.setId(9_007_199_254_740_993L); // 2^53 + 1: not representable as a JavaScript number
        order.setBuyer(buyer);
        order.setItems(items);
        Map<String, Item> bySku = new LinkedHashMap<>();
        BigDecimal total = BigDecimal.ZERO;
        int[] quantities = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            bySku.put(item.getSku(), item);
            total = total.add(item.getPrice().multiply(BigDecimal.valueOf(item.getQuantity())));
            quantities[i] = item.getQuantity();
        }
        order.setItemsBySku(bySku);
        order.setNotes(notes);
        order.setCreated(new Date(CREATED_MS));
        order.setTotal(total);
        order.setStatus(notes != null && notes.containsKey("paid") ? OrderStatus.PAID : OrderStatus.NEW);
        order.setQuantities(quantities);
        return order;
    }
}
