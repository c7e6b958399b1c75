package io.nograd.data;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.nograd.system.NogradProperties;

/** The dataset registry, pointed at the configured IDX directories and at the uploads in the database. */
@Configuration(proxyBeanMethods = false)
public class DataConfig {

    @Bean
    public DatasetRegistry datasetRegistry(NogradProperties props, DatasetRepository uploads) {
        return new DatasetRegistry(props.datasets().fashionMnistDir(), props.datasets().mnistDir(), uploads);
    }
}
