package dev.dntme.gateway.cloak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.cloak.CloakBudget;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class CloakPropertiesTest {

    @Configuration
    @EnableConfigurationProperties(CloakProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void withNoConfigurationEverySettingHasItsDefault() {
        runner.run(context -> {
            CloakProperties p = context.getBean(CloakProperties.class);
            assertThat(p.modelLocation()).isEqualTo("models/face-api");
            assertThat(p.matchThreshold()).isEqualTo(0.6);
            assertThat(p.medium()).isEqualTo(CloakProperties.MEDIUM_DEFAULT);
            assertThat(p.budget(CloakStrength.MEDIUM).failDistance()).isEqualTo(0.65, org.assertj.core.data.Offset.offset(1e-9));
        });
    }

    @Test
    void theFaceSsimTargetDefaultsToTheIssuesBarCanBeTurnedOffAndMayNotSitUnderTheBreakageFloor() {
        runner.run(context -> assertThat(context.getBean(CloakProperties.class).targetFaceSsim()).isEqualTo(0.95));
        runner.withPropertyValues("dntme.cloak.target-face-ssim=0")
                .run(context -> assertThat(context.getBean(CloakProperties.class).targetFaceSsim()).isZero());
        runner.withPropertyValues("dntme.cloak.target-face-ssim=0.80").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.target-face-ssim=1.5").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void eachLevelHasAModelSetOfKnownRecognisersEachNamedOnce() {
        runner.run(context -> {
            CloakProperties p = context.getBean(CloakProperties.class);
            assertThat(p.recognizers(CloakStrength.LOW)).containsExactly("dlib");
            assertThat(p.recognizers(CloakStrength.MEDIUM)).containsExactly("dlib");
            assertThat(p.recognizers(CloakStrength.HIGH)).containsExactlyElementsOf(CloakProperties.STRONG_SET);
            assertThat(p.inRequest(CloakStrength.MEDIUM)).isTrue();
            assertThat(p.inRequest(CloakStrength.HIGH)).as("the strong level runs in the background").isFalse();
        });
        runner.withPropertyValues("dntme.cloak.recognizers=dlib,intel-reid-0095", "dntme.cloak.recognizer-weights.intel-reid-0095=2")
                .run(context -> {
                    CloakProperties p = context.getBean(CloakProperties.class);
                    assertThat(p.recognizers(CloakStrength.LOW)).as("for every level").containsExactly("dlib", "intel-reid-0095");
                    assertThat(p.recognizers(CloakStrength.HIGH)).containsExactly("dlib", "intel-reid-0095");
                    assertThat(p.recognizerWeights()).containsEntry("intel-reid-0095", 2.0);
                });
        runner.withPropertyValues("dntme.cloak.recognizers=dlib", "dntme.cloak.high.recognizers=dlib,faceres",
                "dntme.cloak.high.in-request=true").run(context -> {
                    CloakProperties p = context.getBean(CloakProperties.class);
                    assertThat(p.recognizers(CloakStrength.MEDIUM)).containsExactly("dlib");
                    assertThat(p.recognizers(CloakStrength.HIGH)).as("a level's own set wins").containsExactly("dlib", "faceres");
                    assertThat(p.inRequest(CloakStrength.HIGH)).isTrue();
                });
        runner.withPropertyValues("dntme.cloak.high.recognizers=dlib,nobody").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.recognizers=dlib,arcface-r100").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.recognizers=dlib,faceres,faceres").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.recognizer-weights.nobody=1").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.others-per-step=-1").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void settingOneFieldOfAStrengthKeepsTheOtherDefaults() {
        runner.withPropertyValues("dntme.cloak.medium.epsilon=7").run(context -> {
            CloakProperties.Level medium = context.getBean(CloakProperties.class).medium();
            assertThat(medium.epsilon()).isEqualTo(7f);
            assertThat(medium.steps()).isEqualTo(CloakProperties.MEDIUM_DEFAULT.steps());
        });
    }

    @Test
    void theRequestLevelsCheckEarlyWhenTheStepEstimateClearsTheTargetAndHighKeepsFixedCounts() {
        CloakProperties p = CloakProperties.defaults();
        assertThat(p.budget(CloakStrength.MEDIUM).earlyCheck()).isTrue();
        assertThat(p.budget(CloakStrength.MEDIUM).minSteps()).isLessThanOrEqualTo(p.budget(CloakStrength.MEDIUM).steps());
        assertThat(p.budget(CloakStrength.LOW).earlyCheck()).isTrue();
        assertThat(p.budget(CloakStrength.LOW).rounds()).as("LOW failed closed with 2").isGreaterThanOrEqualTo(3);
        assertThat(p.budget(CloakStrength.HIGH).earlyCheck()).isFalse();
    }

    @Test
    void aNegativeCheckMarginTurnsTheEarlyCheckOff() {
        runner.withPropertyValues("dntme.cloak.medium.check-margin=-1").run(context -> {
            CloakBudget medium = context.getBean(CloakProperties.class).budget(CloakStrength.MEDIUM);
            assertThat(medium.earlyCheck()).isFalse();
            assertThat(medium.steps()).isEqualTo(CloakProperties.MEDIUM_DEFAULT.steps());
        });
    }

    @Test
    void fewerStepsThanTheDefaultMinimumLowerTheMinimumWithThem() {
        runner.withPropertyValues("dntme.cloak.medium.steps=2").run(context ->
                assertThat(context.getBean(CloakProperties.class).budget(CloakStrength.MEDIUM).minSteps()).isEqualTo(2));
    }

    @Test
    void moreMinimumStepsThanStepsOrAnOutOfRangeMarginStopsStartUp() {
        runner.withPropertyValues("dntme.cloak.medium.min-steps=13").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.medium.steps=4", "dntme.cloak.medium.min-steps=5").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.medium.check-margin=1.5").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.medium.min-steps=0").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void anOutOfRangeSettingStopsStartUp() {
        runner.withPropertyValues("dntme.cloak.workers=0").run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("dntme.cloak.high.epsilon=64").run(context -> assertThat(context).hasFailed());
    }
}
