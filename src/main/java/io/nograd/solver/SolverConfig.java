package io.nograd.solver;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The solver registry as a bean. */
@Configuration(proxyBeanMethods = false)
public class SolverConfig {

    @Bean
    public SolverRegistry solverRegistry() {
        return SolverRegistry.builtIn();
    }
}
