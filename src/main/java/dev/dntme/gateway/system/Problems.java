package dev.dntme.gateway.system;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem types an operation of the API can answer, beyond those every /v1 call can (unauthorized,
 * internal, storage-unavailable, and forbidden where {@link Scope#requiredFor} says internal). Read by the
 * OpenAPI contract; an operation without it stops the contract from being served, so a new endpoint
 * cannot go out with its errors undocumented. An operation with none of its own says {@code @Problems({})}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Problems {

    Problem[] value();
}
