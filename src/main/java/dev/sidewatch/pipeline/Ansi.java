package dev.sidewatch.pipeline;

/** Strips ANSI colour and cursor sequences (morgan dev, winston colorize, Deno errors). */
final class Ansi {
    private Ansi() {
    }

    static String strip(String s) {
        int esc = s.indexOf('\u001B');
        if (esc < 0) return s;
        var out = new StringBuilder(s.length());
        out.append(s, 0, esc);
        int i = esc;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\u001B' && i + 1 < s.length() && s.charAt(i + 1) == '[') {
                int j = i + 2;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == ';' || s.charAt(j) == '?')) j++;
                i = j < s.length() ? j + 1 : j; // skip the final letter
            } else if (c == '\u001B') {
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
