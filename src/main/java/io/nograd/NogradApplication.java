package io.nograd;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class NogradApplication {
    public static void main(String[] args) {
        SpringApplication.run(NogradApplication.class, args);
    }
}
