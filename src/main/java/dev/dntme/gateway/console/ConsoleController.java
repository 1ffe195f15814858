package dev.dntme.gateway.console;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /console} and {@code /console/} reach the staff console, a static page under
 * {@code static/console/} (docs/console.md). The page itself needs no token to load; every API call it
 * makes sends the token the user typed in.
 */
@Controller
class ConsoleController {

    @GetMapping({"/console", "/console/"})
    ResponseEntity<Void> console(HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(request.getContextPath() + "/console/index.html"))
                .build();
    }
}
