package dev.sidewatch.event;

/** What an event is; when several apply, the later constant wins (SPEC 4). */
public enum Kind {
    LOG("log"), EXCEPTION("exception"), HTTP_REQUEST("http_request"),
    AUTH_FAILURE("auth_failure"), PERMISSION_DENIED("permission_denied");

    private final String wireName;

    Kind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
