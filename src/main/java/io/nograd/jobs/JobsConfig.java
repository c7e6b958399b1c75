package io.nograd.jobs;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.nograd.data.DatasetRegistry;
import io.nograd.nn.BlasThreads;
import io.nograd.nn.Gemm;
import io.nograd.solver.SolverRegistry;
import io.nograd.system.NogradProperties;

/**
 * The validator sized by the job concurrency. Each of {@code concurrency} jobs gets {@code cores /
 * concurrency} threads and {@code 0.6 · maxMemory / concurrency} of the heap (the rest is for datasets,
 * HTTP and H2). A running job spends its threads on its solver's threads × its matrix products' threads
 * ({@link Training} leases the latter from {@link BlasThreads}, which sets OpenBLAS's and ojalgo's counts),
 * so concurrent jobs and a parallel LPOM do not over-subscribe the cores.
 */
@Configuration(proxyBeanMethods = false)
public class JobsConfig {

    private static final Logger log = LoggerFactory.getLogger(JobsConfig.class);

    @Bean
    public JobSpecValidator jobSpecValidator(SolverRegistry solvers, DatasetRegistry datasets, NogradProperties props) {
        int concurrency = props.jobs().concurrency();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / concurrency);
        long heap = (long) (Runtime.getRuntime().maxMemory() * 0.6 / concurrency);
        log.info("{} job(s) at once, {} thread(s) and {} MiB of heap each; matrix products on {}; thread count set through {}",
                concurrency, threads, heap >> 20, Gemm.get().name(), BlasThreads.describe());
        return new JobSpecValidator(solvers, datasets, threads, heap, props.jobs().maxWork());
    }

    /** {@code GET /actuator/info} says which matrix-product implementation runs (native BLAS or the slow fallback). */
    @Bean
    public InfoContributor nogradInfo(NogradProperties props, SolverRegistry solvers) {
        return builder -> builder.withDetail("nograd", Map.of(
                "gemm", Gemm.get().name(),
                "blasThreads", Map.of("live", BlasThreads.get(), "control", BlasThreads.describe()),
                "cores", Runtime.getRuntime().availableProcessors(),
                "concurrency", props.jobs().concurrency(),
                "queueCapacity", props.jobs().queueCapacity(),
                "solvers", solvers.names(),
                "tokenRequired", props.security().enabled()));
    }
}
