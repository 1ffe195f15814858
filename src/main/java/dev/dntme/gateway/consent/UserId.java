package dev.dntme.gateway.consent;

import dev.dntme.gateway.system.ApiException;
import dev.dntme.gateway.system.Problem;
import java.util.regex.Pattern;

/** The platform's opaque user identifier; a conservative alphabet keeps it safe in keys and logs. */
public final class UserId {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._@:+-]{1,128}");

    private UserId() {
    }

    public static String require(String userId) {
        if (userId == null || !VALID.matcher(userId).matches()) {
            throw new ApiException(Problem.INVALID_USER_ID,
                    "userId must be 1-128 characters of letters, digits and . _ @ : + -");
        }
        return userId;
    }
}
