package io.nograd.system;

import java.util.List;

/** A request whose body, or what it would make the server keep, is over a bound; mapped to 413 naming the field. */
public class PayloadTooLargeException extends ValidationException {

    public PayloadTooLargeException(String field, String message) {
        super(List.of(new FieldError(field, message)));
    }
}
