package dev.sidewatch.exporter;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The attributes of one log record or span as {@link OtlpMapping} builds them, kept in the order they were
 * put. The SDK's own {@code Attributes.builder().build()} sorts and de-duplicates every set by key name
 * (a merge sort through a comparator lambda: about a tenth of the OTLP encoding's CPU under C1, by
 * bench/otlp-encode-cpu.sh's profile); OTLP attributes are a map, so their order carries nothing, and the
 * mapping keeps the names unique itself ({@link Builder#has}). Like the SDK's builder, a null value or an
 * empty key name is left out. Immutable once built.
 */
final class EventAttributes implements Attributes {
    private static final EventAttributes EMPTY = new EventAttributes(new Object[0], 0);

    private final Object[] data; // key, value, key, value, ...
    private final int size;

    private EventAttributes(Object[] data, int size) {
        this.data = data;
        this.size = size;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        for (int i = 0; i < size * 2; i += 2) {
            if (data[i].equals(key)) return (T) data[i + 1];
        }
        return null;
    }

    @Override
    public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
        for (int i = 0; i < size * 2; i += 2) consumer.accept((AttributeKey<?>) data[i], data[i + 1]);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Map<AttributeKey<?>, Object> asMap() {
        var map = new LinkedHashMap<AttributeKey<?>, Object>();
        forEach(map::put);
        return Collections.unmodifiableMap(map);
    }

    @Override
    public AttributesBuilder toBuilder() {
        return Attributes.builder().putAll(this);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** Collects attributes whose names the caller keeps unique; gives one set ({@link #build}). Not thread-safe. */
    static final class Builder {
        private Object[] data = new Object[32];
        private int size;

        private Builder() {
        }

        <T> Builder put(AttributeKey<T> key, T value) {
            if (value == null || key.getKey().isEmpty()) return this;
            if (size * 2 == data.length) data = Arrays.copyOf(data, data.length * 2);
            data[size * 2] = key;
            data[size * 2 + 1] = value;
            size++;
            return this;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** True when an attribute of this name (of any type) was put. */
        boolean has(String name) {
            for (int i = 0; i < size * 2; i += 2) {
                if (((AttributeKey<?>) data[i]).getKey().equals(name)) return true;
            }
            return false;
        }

        /** The set; the builder is done with (the set shares its array). */
        EventAttributes build() {
            return size == 0 ? EMPTY : new EventAttributes(data, size);
        }
    }
}
