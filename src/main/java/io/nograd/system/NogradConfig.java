package io.nograd.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cross-cutting beans: the H2 data source every feature's repository shares. Each feature wires its
 * own beans in its own package ({@code solver.SolverConfig}, {@code data.DataConfig}, {@code jobs.JobsConfig}).
 */
@Configuration(proxyBeanMethods = false)
public class NogradConfig {

    /**
     * The DataSource from the standard {@code spring.datasource.*} properties ({@code url}, {@code username},
     * {@code password}, {@code spring.datasource.hikari.*}). Without a {@code spring.datasource.url} it is H2
     * in file mode at {@code {data-dir}/nograd}, the path made absolute (H2 refuses a relative one such as
     * {@code data/nograd}); {@code WRITE_DELAY=0} makes every commit durable at once, so a server killed
     * with {@code kill -9} keeps every row it acknowledged.
     */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    public HikariDataSource dataSource(DataSourceProperties standard, NogradProperties props) throws IOException {
        if (standard.getUrl() == null || standard.getUrl().isBlank()) {
            Path dir = props.dataDir().toAbsolutePath().normalize();
            Files.createDirectories(dir);
            standard.setUrl("jdbc:h2:file:" + dir.resolve("nograd") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
            if (standard.getUsername() == null) standard.setUsername("sa");
        }
        HikariDataSource ds = standard.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        if (ds.getPoolName() == null) ds.setPoolName("nograd-db");
        return ds;
    }
}
