package dev.actuate.distributed;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The driver's choice of cores per trial: max(1, C / T) for T concurrent tasks on an executor of C cores. */
class TrialThreadsTest {
    private static int perTrial(String master, Map<String, String> conf, int cores) {
        return TrialThreads.decide(master, conf, cores).perTrial();
    }

    @Test
    void embeddedMastersShareThisMachinesCoresAmongTheirTaskThreads() {
        // The 2-core machine: one trial alone keeps both cores; two or more at once get one each.
        assertThat(perTrial("local[1]", Map.of(), 2)).isEqualTo(2);
        assertThat(perTrial("local[2]", Map.of(), 2)).isEqualTo(1);
        assertThat(perTrial("local[4]", Map.of(), 2)).isEqualTo(1);
        assertThat(perTrial("local", Map.of(), 2)).isEqualTo(2);
        assertThat(perTrial("local[*]", Map.of(), 2)).isEqualTo(1);
        assertThat(perTrial("local[2, 3]", Map.of(), 2)).isEqualTo(1); // with task retries
        // Larger machines: 8 cores, 2 task threads -> 4 each (a trial uses min(2, 4) learner threads).
        assertThat(perTrial("local[2]", Map.of(), 8)).isEqualTo(4);
        assertThat(perTrial("local[3]", Map.of(), 8)).isEqualTo(2);
        assertThat(perTrial("local[*]", Map.of(), 16)).isEqualTo(1);
        TrialThreads t = TrialThreads.decide("local[4]", Map.of(), 2);
        assertThat(t.concurrentTasks()).isEqualTo(4);
        assertThat(t.executorCores()).isEqualTo(2);
        assertThat(t.reason()).contains("4 concurrent tasks").contains("2 cores");
    }

    @Test
    void sparkTaskCpusReservesCoresPerTask() {
        // local[4] with 2 cpus per task runs 2 tasks at once on the 2-core machine.
        assertThat(perTrial("local[4]", Map.of("spark.task.cpus", "2"), 2)).isEqualTo(1);
        assertThat(perTrial("local[4]", Map.of("spark.task.cpus", "2"), 4)).isEqualTo(2);
        assertThat(perTrial("local[2]", Map.of("spark.task.cpus", "2"), 2)).isEqualTo(2);
    }

    @Test
    void aLocalClusterRunsAllItsExecutorsOnThisMachine() {
        assertThat(perTrial("local-cluster[2, 1, 1024]", Map.of(), 2)).isEqualTo(1);
        assertThat(perTrial("local-cluster[1,1,1024]", Map.of(), 2)).isEqualTo(2);
        assertThat(perTrial("local-cluster[2,2,1024]", Map.of(), 8)).isEqualTo(2);
    }

    @Test
    void onAClusterTheExecutorsCoresAndTaskCpusDecide() {
        // The machine the driver runs on does not matter.
        for (int driverCores : new int[] {1, 2, 64}) {
            assertThat(perTrial("spark://master:7077", Map.of("spark.executor.cores", "4"), driverCores)).isEqualTo(1);
            assertThat(perTrial("spark://master:7077", Map.of("spark.executor.cores", "4", "spark.task.cpus", "2"),
                    driverCores)).isEqualTo(2);
            // 3 cpus per task on 4 cores: one task at a time, which may keep all 4 busy.
            assertThat(perTrial("yarn", Map.of("spark.executor.cores", "4", "spark.task.cpus", "3"), driverCores))
                    .isEqualTo(4);
            // Without spark.executor.cores the executor's size is the cluster's (a standalone worker's cores):
            // spark.task.cpus is what Spark reserves for each task.
            assertThat(perTrial("k8s://https://api:6443", Map.of(), driverCores)).isEqualTo(1);
            assertThat(perTrial("spark://master:7077", Map.of("spark.task.cpus", "2"), driverCores)).isEqualTo(2);
        }
        TrialThreads t = TrialThreads.decide("spark://master:7077", Map.of("spark.executor.cores", "4"), 2);
        assertThat(t.concurrentTasks()).isEqualTo(4);
        assertThat(t.executorCores()).isEqualTo(4);
    }

    @Test
    void badSparkSettingsAreNamed() {
        assertThatThrownBy(() -> perTrial("local[2]", Map.of("spark.task.cpus", "0"), 2))
                .hasMessageContaining("spark.task.cpus").hasMessageContaining("'0'");
        assertThatThrownBy(() -> perTrial("spark://m:7077", Map.of("spark.executor.cores", "four"), 2))
                .hasMessageContaining("spark.executor.cores").hasMessageContaining("'four'");
        assertThatThrownBy(() -> perTrial("local[0]", Map.of(), 2)).hasMessageContaining("thread count");
    }
}
