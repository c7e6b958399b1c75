package io.nograd.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cross-cutting beans: the H2 data source every feature's repository shares. Each feature wires its
 * own beans in its own package ({@code solver.SolverConfig}, {@code data.DataConfig}, {@code jobs.JobsConfig}).
 */
@Configuration(proxyBeanMethods = false)
public class NogradConfig {

    /**
     * H2 in file mode at {@code {data-dir}/nograd}, the path made absolute (H2 refuses a relative one such
     * as {@code data/nograd}); {@code WRITE_DELAY=0} makes every commit durable at once, so a server killed
     * with {@code kill -9} keeps every row it acknowledged.
     */
    @Bean
    public DataSource dataSource(NogradProperties props) throws IOException {
        Path dir = props.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("nograd") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setPoolName("nograd-h2");
        return ds;
    }
}
