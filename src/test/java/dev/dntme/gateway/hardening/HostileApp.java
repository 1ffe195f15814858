package dev.dntme.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dntme.gateway.storage.StorageProperties;
import dev.dntme.gateway.support.ApiClient;
import dev.dntme.gateway.support.GatewayTestSupport;
import dev.dntme.gateway.support.StorageInspector;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The running application the hostile corpus and the fuzzer are sent to: real HTTP, embedded S3 and H2,
 * a 2 MB byte limit, and a cloak engine whose models are missing so flagged uploads fail closed at once.
 * Both test classes share this one context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class HostileApp {

    /** Used heap after GC at the end of a class, in the JVM that also runs the app: measured well under this. */
    static final long HEAP_BOUND_BYTES = 768L * 1024 * 1024;

    static LogWatch logs;

    @LocalServerPort
    int port;

    @Autowired
    S3Client s3;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StorageProperties storage;

    UploadOracle oracle;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.isolatedDataDir(registry);
        GatewayTestSupport.cloakModelsMissing(registry);
        registry.add("dntme.imaging.max-bytes", () -> HostileCorpus.MAX_BYTES + "B");
    }

    @BeforeAll
    static void watchLogs() {
        logs = LogWatch.attach();
    }

    @BeforeEach
    void connect() {
        oracle = new UploadOracle(new ApiClient(port),
                new StorageInspector(s3, jdbc, storage.privateBucket(), storage.publicBucket()));
    }

    /** Sends one case and also fails it if the app logged an error while handling it. */
    String send(HostileCase c) {
        int errorsBefore = logs.errorCount();
        String outcome = oracle.check(c);
        assertThat(logs.errorsSince(errorsBefore)).as("errors logged while handling " + c).isEmpty();
        return outcome;
    }

    @AfterAll
    static void memoryStayedBounded() throws InterruptedException {
        try {
            assertThat(logs.exhausted()).as("OutOfMemoryError / StackOverflowError logged").isEmpty();
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.gc();
            Thread.sleep(200);
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("heap after GC: %d MB (sum of pool peaks: %d MB, max heap %d MB)%n", used >> 20,
                    peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
            assertThat(used).as("used heap after GC").isLessThan(HEAP_BOUND_BYTES);
        } finally {
            logs.detach();
        }
    }
}
