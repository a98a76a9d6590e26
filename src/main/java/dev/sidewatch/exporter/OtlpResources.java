package dev.sidewatch.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One OTLP Resource per service (SPEC 6): {@code service.name}, {@code service.instance.id},
 * {@code host.name} and {@code OTEL_RESOURCE_ATTRIBUTES}. The same instance is returned for the same
 * service, so the SDK's marshaler groups a batch's records under one Resource per service. A
 * {@code service.name} in {@code OTEL_RESOURCE_ATTRIBUTES} names events that name no service of their
 * own ({@value #UNKNOWN_SERVICE}). Thread-safe; at most {@value #MAX_CACHED} services are cached.
 */
final class OtlpResources {
    static final String UNKNOWN_SERVICE = "unknown_service";
    static final int MAX_CACHED = 1024;

    private final Attributes base;
    private final String fallbackService;
    private final ConcurrentHashMap<String, Resource> byService = new ConcurrentHashMap<>();

    /**
     * @param resourceAttributes {@code OTEL_RESOURCE_ATTRIBUTES}
     * @param instanceId         {@code service.instance.id} unless the attributes name one
     * @param hostName           {@code host.name} unless the attributes name one; null to leave it out
     */
    OtlpResources(Map<String, String> resourceAttributes, String instanceId, String hostName) {
        AttributesBuilder b = Attributes.builder();
        b.put("service.instance.id", instanceId);
        if (hostName != null) b.put("host.name", hostName);
        resourceAttributes.forEach((k, v) -> {
            if (!k.equals("service.name")) b.put(k, v);
        });
        base = b.build();
        String named = resourceAttributes.get("service.name");
        fallbackService = named == null || named.isBlank() ? UNKNOWN_SERVICE : named;
    }

    Resource forService(String service) {
        String name = service == null || service.equals(UNKNOWN_SERVICE) ? fallbackService : service;
        Resource cached = byService.get(name);
        if (cached != null) return cached;
        Resource fresh = Resource.create(base.toBuilder().put("service.name", name).build());
        if (byService.size() >= MAX_CACHED) return fresh;
        Resource raced = byService.putIfAbsent(name, fresh);
        return raced != null ? raced : fresh;
    }
}
