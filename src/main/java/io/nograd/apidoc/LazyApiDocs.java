package io.nograd.apidoc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springdoc.webmvc.ui.SwaggerIndexTransformer;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.target.LazyInitTargetSource;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;

/**
 * Moves springdoc's work from start-up to the first request for the description ({@code /v3/api-docs},
 * {@code /swagger-ui.html}): its beans and this package's are made lazy, and Swagger UI's index page
 * transformer is replaced by a proxy that creates the real one on first use. Spring MVC needs Swagger UI's
 * {@code WebMvcConfigurer} at start, and through it the transformer, whose constructor asks springdoc's
 * {@code ObjectMapperProvider} for its mapper: that would build two Jackson 2 mappers (JSON and YAML, with
 * swagger-core's modules) at every start. springdoc's own {@code springdoc.pre-loading-enabled} stays at its
 * default, false.
 * <p>
 * Some of springdoc's beans act by being created (its model converter registrar hands the converters that
 * unwrap {@code ResponseEntity} and describe file parts to swagger-core) and nothing depends on them, so the
 * first request to one of springdoc's controllers not created at start (or to Swagger UI's page) first creates
 * all of them, in their order of definition, as an eager start would have: the description is the same, only
 * built later.
 */
public class LazyApiDocs implements BeanFactoryPostProcessor, SmartInitializingSingleton {

    private final List<String> deferred = new ArrayList<>();
    /** Set once start-up has created its singletons: Swagger UI's welcome controller is one of them. */
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean created = new AtomicBoolean();

    static final String TRANSFORMER = "indexPageTransformer";

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
        for (String name : factory.getBeanDefinitionNames()) {
            if (isApiDoc(origin(factory, factory.getBeanDefinition(name)))) factory.getBeanDefinition(name).setLazyInit(true);
        }
        if (factory.containsBeanDefinition(TRANSFORMER) && factory instanceof BeanDefinitionRegistry registry) {
            BeanDefinition target = factory.getBeanDefinition(TRANSFORMER);
            target.setAutowireCandidate(false);
            registry.removeBeanDefinition(TRANSFORMER);
            registry.registerBeanDefinition(TRANSFORMER + ".target", target);
            registry.registerBeanDefinition(TRANSFORMER, new RootBeanDefinition(SwaggerIndexTransformer.class, () -> {
                LazyInitTargetSource source = new LazyInitTargetSource();
                source.setTargetBeanName(TRANSFORMER + ".target");
                source.setTargetClass(SwaggerIndexTransformer.class);
                source.setBeanFactory(factory);
                ProxyFactory proxy = new ProxyFactory(SwaggerIndexTransformer.class, source);
                return (SwaggerIndexTransformer) proxy.getProxy(factory.getBeanClassLoader());
            }));
        }
        for (String name : factory.getBeanDefinitionNames()) {
            BeanDefinition bd = factory.getBeanDefinition(name);
            if (bd.isLazyInit() && bd.isSingleton() && !bd.isAbstract() && isApiDoc(origin(factory, bd))) deferred.add(name);
        }
        factory.addBeanPostProcessor(new InstantiationAwareBeanPostProcessor() {
            @Override
            public Object postProcessBeforeInstantiation(Class<?> type, String name) {
                boolean entry = name.equals(TRANSFORMER + ".target") || AnnotatedElementUtils.hasAnnotation(type, Controller.class);
                if (entry && started.get() && deferred.contains(name) && created.compareAndSet(false, true)) {
                    for (String other : deferred) if (!other.equals(name)) factory.getBean(other);
                }
                return null;
            }
        });
    }

    @Override
    public void afterSingletonsInstantiated() {
        started.set(true);
    }

    private static boolean isApiDoc(String origin) {
        return origin != null && (origin.startsWith("org.springdoc.") || origin.startsWith(LazyApiDocs.class.getPackageName() + "."));
    }

    /** The class a bean definition comes from: its own, or for a {@code @Bean} method its configuration's. */
    private static String origin(ConfigurableListableBeanFactory factory, BeanDefinition bd) {
        if (bd.getBeanClassName() != null) return bd.getBeanClassName();
        String config = bd.getFactoryBeanName();
        return config != null && factory.containsBeanDefinition(config) ? factory.getBeanDefinition(config).getBeanClassName() : null;
    }
}
