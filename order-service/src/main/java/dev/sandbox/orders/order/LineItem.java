package dev.sandbox.orders.order;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** One line of an order, as the client sends it and as the order shows it. */
public record LineItem(
        @NotBlank @Size(max = 64) String sku,
        @NotNull @Positive @Max(10_000) Integer quantity,
        @NotNull @DecimalMin(value = "0", inclusive = false) @Digits(integer = 9, fraction = 4) BigDecimal unitPrice) {
}
