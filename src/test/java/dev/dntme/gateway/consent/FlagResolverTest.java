package dev.dntme.gateway.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.system.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The precedence rule against the real catalog: request, header, photo metadata, user setting, default. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@org.springframework.context.annotation.Import(dev.dntme.gateway.support.TemporaryEngineDown.class)
class FlagResolverTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
    }

    @Autowired
    FlagResolver resolver;

    @Autowired
    UserSettingsRepository settings;

    @Test
    void theRequestFieldWinsOverEverythingElse() {
        settings.save("alice", true);

        assertThat(resolver.resolve("alice", "false", "1", true)).isEqualTo(new FlagDecision(false, FlagSource.REQUEST));
        assertThat(resolver.resolve("alice", "true", null, false)).isEqualTo(new FlagDecision(true, FlagSource.REQUEST));
    }

    @Test
    void theHeaderWinsOverMetadataAndTheUserSetting() {
        settings.save("bob", false);

        assertThat(resolver.resolve("bob", null, "1", false)).isEqualTo(new FlagDecision(true, FlagSource.HEADER));
    }

    @Test
    void aHeaderOfZeroCannotSwitchOffTheUsersOwnChoice() {
        settings.save("carol", true);

        assertThat(resolver.resolve("carol", null, "0", false)).isEqualTo(new FlagDecision(true, FlagSource.USER_SETTING));
    }

    @Test
    void thePhotosOwnMarkWinsOverTheUserSetting() {
        settings.save("dave", false);

        assertThat(resolver.resolve("dave", null, null, true)).isEqualTo(new FlagDecision(true, FlagSource.METADATA));
    }

    @Test
    void withNothingSaidTheFlagIsOff() {
        assertThat(resolver.resolve("nobody", null, null, false)).isEqualTo(new FlagDecision(false, FlagSource.DEFAULT));
    }

    @Test
    void unknownFlagValuesAreRejected() {
        assertThatThrownBy(() -> resolver.resolve("eve", "yes please", null, false)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> resolver.resolve("eve", null, "maybe", false)).isInstanceOf(ApiException.class);
    }
}
