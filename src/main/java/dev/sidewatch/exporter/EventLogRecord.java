package dev.sidewatch.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One normalised event as the SDK's {@link LogRecordData}, fed straight to the OTLP log exporter so the
 * record keeps its own time, trace context and service (an application logger would stamp sidewatch's).
 *
 * @param body      the message, or null for an empty body
 * @param eventName OTLP {@code event_name}, or null
 */
record EventLogRecord(Resource resource, InstrumentationScopeInfo scope, long timestampNanos, long observedNanos,
                      SpanContext spanContext, Severity severity, String severityText, Value<?> body,
                      Attributes attributes, String eventName) implements LogRecordData {
    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public long getTimestampEpochNanos() {
        return timestampNanos;
    }

    @Override
    public long getObservedTimestampEpochNanos() {
        return observedNanos;
    }

    @Override
    public SpanContext getSpanContext() {
        return spanContext;
    }

    @Override
    public Severity getSeverity() {
        return severity;
    }

    @Override
    public String getSeverityText() {
        return severityText;
    }

    @Override
    @SuppressWarnings("deprecation")
    public Body getBody() {
        return body == null ? Body.empty() : Body.string(body.asString());
    }

    @Override
    public Value<?> getBodyValue() {
        return body;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    public String getEventName() {
        return eventName;
    }
}
