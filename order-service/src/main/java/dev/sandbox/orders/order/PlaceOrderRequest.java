package dev.sandbox.orders.order;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /orders}. */
public record PlaceOrderRequest(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._:@-]+", message = "letters, digits and . _ : @ - only")
        String customerId,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "an ISO 4217 code, like EUR") String currency,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid LineItem> items) {
}
