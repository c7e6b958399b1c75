package io.nograd.cluster;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.nograd.jobs.JobRepository;
import io.nograd.system.PortableSchema;
import io.nograd.system.V10DlamSpecsMigration;
import tools.jackson.databind.json.JsonMapper;

/** Builds in-process cluster pieces on a real database for the tests that need no HTTP: schema, repository, members. */
final class Members {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private Members() {
    }

    /** A pool on {@code url}, migrated by the application's own Flyway scripts, Java migration and callback. */
    static HikariDataSource migrated(String url, int pool) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername("postgres");
        ds.setMaximumPoolSize(pool);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").callbacks(new PortableSchema())
                .javaMigrations(new V10DlamSpecsMigration()).load().migrate();
        return ds;
    }

    static JobRepository repository(DataSource ds) {
        return new JobRepository(JdbcClient.create(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)), JSON);
    }

    /** A Hazelcast member on loopback {@code port} joining {@code ports}, configured as a node's is. */
    static HazelcastInstance member(String name, int port, List<Integer> ports, int slots) {
        ClusterProperties p = new ClusterProperties(true, "nograd-sim", ports.stream().map(x -> "127.0.0.1:" + x).toList(), port,
                "127.0.0.1", name, Duration.ofSeconds(4), Duration.ofMillis(200));
        return Hazelcast.newHazelcastInstance(ClusterConfig.config(p, slots));
    }
}
