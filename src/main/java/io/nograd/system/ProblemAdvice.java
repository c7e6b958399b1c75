package io.nograd.system;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Maps every exception a request can raise to an RFC 9457 {@code application/problem+json} body with
 * {@code status}, {@code title}, {@code detail} and, where a field is to blame, {@code errors: [{field,
 * message}]}. Spring's own exceptions (unknown URL, wrong method, missing parameter) come through the
 * inherited handlers; bad input never becomes a 500, and a 500 never carries a stack trace. A feature maps
 * its own exceptions in its own package with an advice ordered before this one (whose catch-all would
 * otherwise win), building the body with {@link #problem}.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ValidationException.class)
    ResponseEntity<ProblemDetail> validation(ValidationException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.errors());
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), List.of());
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage(), List.of());
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<ProblemDetail> tooMany(TooManyRequestsException e) {
        ProblemDetail body = body(HttpStatus.TOO_MANY_REQUESTS, "Queue full", e.getMessage(), List.of());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Too large", e.getMessage(), e.errors());
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex, HttpHeaders headers,
                                                                          HttpStatusCode status, WebRequest request) {
        String message = "the upload is larger than the server accepts (spring.servlet.multipart.max-file-size); split it or raise the setting";
        return cast(problem(HttpStatus.CONTENT_TOO_LARGE, "Too large", message, List.of(new FieldError("file", message))));
    }

    @ExceptionHandler(InsufficientStorageException.class)
    ResponseEntity<ProblemDetail> diskFull(InsufficientStorageException e) {
        return problem(HttpStatus.INSUFFICIENT_STORAGE, "Insufficient storage", e.getMessage(), List.of());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad upload", "the multipart body could not be read: "
                + rootMessage(e) + "; send multipart/form-data with a 'file' part", List.of(new FieldError("file", "unreadable upload")));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (Durable.isDiskFull(e)) {
            log.warn("a request failed on a full disk: {}", e.toString());
            return problem(HttpStatus.INSUFFICIENT_STORAGE, "Insufficient storage",
                    "the data directory's disk is full; nothing was stored; free space and retry", List.of());
        }
        log.error("unhandled error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the server failed to handle this request (" + e.getClass().getSimpleName() + "); see the server log", List.of());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        if (ex.getCause() instanceof JacksonException je) return cast(json(je));
        String message = "the request body is missing or unreadable; send a JSON object with Content-Type: application/json";
        return cast(problem(HttpStatus.BAD_REQUEST, "Malformed request body", message, List.of(new FieldError("body", message))));
    }

    /** A body that is not JSON, or JSON of the wrong shape: 400 naming the field (e.g. {@code layers[1]}). */
    @ExceptionHandler(JacksonException.class)
    ResponseEntity<ProblemDetail> json(JacksonException je) {
        String path = path(je.getPath());
        String field = path.isEmpty() ? "body" : path;
        String message;
        if (je instanceof StreamReadException && path.isEmpty()) {
            message = "malformed JSON" + location(je) + ": " + firstLine(je.getOriginalMessage());
        } else if (je instanceof UnrecognizedPropertyException u) {
            message = "unknown field '" + u.getPropertyName() + "'; known: " + u.getKnownPropertyIds();
        } else {
            message = "wrong type or value" + location(je) + ": " + firstLine(je.getOriginalMessage());
        }
        return problem(HttpStatus.BAD_REQUEST, "Malformed request body",
                field.equals("body") ? message : field + ": " + message, List.of(new FieldError(field, message)));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String field = ex.getPropertyName() == null ? "parameter" : ex.getPropertyName();
        String message = "'" + ex.getValue() + "' is not a valid " + (ex.getRequiredType() == null ? "value" : ex.getRequiredType().getSimpleName());
        return cast(problem(HttpStatus.BAD_REQUEST, "Invalid parameter", field + ": " + message, List.of(new FieldError(field, message))));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex, HttpHeaders headers,
                                                                          HttpStatusCode status, WebRequest request) {
        return cast(problem(HttpStatus.BAD_REQUEST, "Missing parameter", ex.getMessage(),
                List.of(new FieldError(ex.getParameterName(), "is required"))));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex, HttpHeaders headers,
                                                                     HttpStatusCode status, WebRequest request) {
        return cast(problem(HttpStatus.BAD_REQUEST, "Missing part", "the multipart part '" + ex.getRequestPartName() + "' is required",
                List.of(new FieldError(ex.getRequestPartName(), "is required"))));
    }

    /** A problem+json response with the given title, detail and field errors. */
    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail, List<FieldError> errors) {
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(body(status, title, detail, errors));
    }

    static ProblemDetail body(HttpStatus status, String title, String detail, List<FieldError> errors) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        if (!errors.isEmpty()) {
            p.setProperty("errors", errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList());
        }
        return p;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> r) {
        return (ResponseEntity) r;
    }

    /** JSON path of a Jackson error, e.g. {@code layers[1]} or {@code params.mu}. */
    public static String path(List<JacksonException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : refs) {
            if (r.getPropertyName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** The first line of a (Jackson) message, which goes on to quote the input. */
    public static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
