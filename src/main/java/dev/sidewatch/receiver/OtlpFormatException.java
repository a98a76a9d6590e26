package dev.sidewatch.receiver;

/** An OTLP payload that cannot be decoded; the message is the reason given to the client (400). */
final class OtlpFormatException extends Exception {
    OtlpFormatException(String reason) {
        super(reason, null, false, false);
    }
}
