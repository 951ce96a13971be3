package dev.sandbox.orders.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;

/**
 * A valid order to place, in canonical form: prices at the currency's own scale (12.5 EUR is
 * 12.50), so that two bodies meaning the same order fingerprint the same for idempotency.
 */
public record PlaceOrder(String customerId, String currency, List<LineItem> items) {

    /** Checks what the annotations of the request cannot: a known currency, and prices it can express. */
    public static PlaceOrder from(PlaceOrderRequest request) {
        var currency = knownCurrency(request.currency());
        var digits = currency.getDefaultFractionDigits();
        var errors = new ArrayList<Problem.FieldError>();
        var items = new ArrayList<LineItem>();
        for (var i = 0; i < request.items().size(); i++) {
            var item = request.items().get(i);
            if (item.unitPrice().stripTrailingZeros().scale() > digits) {
                errors.add(new Problem.FieldError("items[" + i + "].unitPrice",
                        currency.getCurrencyCode() + " has " + digits + " decimal places"));
                continue;
            }
            items.add(new LineItem(item.sku(), item.quantity(), item.unitPrice().setScale(digits, RoundingMode.UNNECESSARY)));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("a price has more decimal places than its currency", errors);
        }
        return new PlaceOrder(request.customerId(), currency.getCurrencyCode(), List.copyOf(items));
    }

    public BigDecimal total() {
        return items.stream()
                .map(item -> item.unitPrice().multiply(BigDecimal.valueOf(item.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static Currency knownCurrency(String code) {
        try {
            var currency = Currency.getInstance(code);
            // Codes without decimal places defined (XAU gold, XXX "no currency") are not money to charge.
            if (currency.getDefaultFractionDigits() >= 0) {
                return currency;
            }
        } catch (IllegalArgumentException unknown) {
            // reported below
        }
        throw ProblemException.badRequest("unknown currency " + code,
                List.of(new Problem.FieldError("currency", "not an ISO 4217 currency code")));
    }
}
