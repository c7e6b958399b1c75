package io.nograd.data;

import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import io.nograd.system.ProblemAdvice;

/** A dataset that cannot be read or parsed (a bad CSV row, missing IDX files) is the client's to fix: 400. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DatasetAdvice {

    @ExceptionHandler(DatasetException.class)
    ResponseEntity<ProblemDetail> dataset(DatasetException e) {
        return ProblemAdvice.problem(HttpStatus.BAD_REQUEST, "Invalid dataset", e.getMessage(), List.of());
    }
}
