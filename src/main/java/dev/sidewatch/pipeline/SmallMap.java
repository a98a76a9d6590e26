package dev.sidewatch.pipeline;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The map a small parsed JSON object becomes: insertion-ordered like a {@link java.util.LinkedHashMap}
 * (a re-put key keeps its place, a removal keeps the others' order), but its entries sit in one array and
 * are found by a linear scan. For the handful of keys of a log record's objects that is as fast as hashing
 * and less than half the memory (a 24-byte entry against 40, no bucket table); {@link JsonRecordParser}
 * moves an object that outgrows {@link #MAX_PARSED} keys to a LinkedHashMap. Not thread-safe.
 */
final class SmallMap extends AbstractMap<String, Object> {
    /** Objects with more keys than this are parsed into a LinkedHashMap: lookups here are linear. */
    static final int MAX_PARSED = 16;
    private static final Node[] EMPTY = {};
    private static final int FIRST_CAPACITY = 8;

    private Node[] nodes = EMPTY;
    private int size;
    private int modCount;
    private Set<Entry<String, Object>> entrySet;

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : nodes[i].value;
    }

    @Override
    public Object put(String key, Object value) {
        int i = indexOf(key);
        if (i >= 0) return nodes[i].setValue(value);
        if (size == nodes.length) {
            // not Arrays.copyOf: for a Node[] it goes through reflection, which C1 does not flatten
            var grown = new Node[Math.max(FIRST_CAPACITY, size * 2)];
            System.arraycopy(nodes, 0, grown, 0, size);
            nodes = grown;
        }
        nodes[size++] = new Node(key, value);
        modCount++;
        return null;
    }

    @Override
    public Object remove(Object key) {
        int i = indexOf(key);
        if (i < 0) return null;
        Object old = nodes[i].value;
        removeAt(i);
        return old;
    }

    @Override
    public void clear() {
        Arrays.fill(nodes, 0, size, null);
        size = 0;
        modCount++;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        int expected = modCount;
        for (int i = 0; i < size; i++) {
            action.accept(nodes[i].key, nodes[i].value);
            if (modCount != expected) throw new ConcurrentModificationException();
        }
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
        int expected = modCount;
        for (int i = 0; i < size; i++) {
            Node n = nodes[i];
            n.value = function.apply(n.key, n.value);
            if (modCount != expected) throw new ConcurrentModificationException();
        }
    }

    /** The value of the first key equal to {@code name} ignoring case, as a scan of the entry set finds it. */
    Object getIgnoreCase(String name) {
        for (int i = 0; i < size; i++) {
            if (name.equalsIgnoreCase(String.valueOf(nodes[i].key))) return nodes[i].value;
        }
        return null;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Set<Entry<String, Object>> set = entrySet;
        if (set == null) entrySet = set = new EntrySet();
        return set;
    }

    private int indexOf(Object key) {
        // the hash first: C1 (deploy/jvm.options) runs String.equals as a plain loop, and most lookups miss
        int hash = Objects.hashCode(key);
        Node[] n = nodes;
        for (int i = 0; i < size; i++) {
            Node node = n[i];
            if (node.hash == hash && (node.key == key || key != null && key.equals(node.key))) return i;
        }
        return -1;
    }

    private void removeAt(int i) {
        System.arraycopy(nodes, i + 1, nodes, i, size - i - 1);
        nodes[--size] = null;
        modCount++;
    }

    private static final class Node implements Entry<String, Object> {
        private final String key;
        /** The key's hash, in the room the object's alignment leaves anyway. */
        private final int hash;
        private Object value;

        Node(String key, Object value) {
            this.key = key;
            this.hash = Objects.hashCode(key);
            this.value = value;
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public Object setValue(Object value) {
            Object old = this.value;
            this.value = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry<?, ?> e && Objects.equals(key, e.getKey()) && Objects.equals(value, e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(key) ^ Objects.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    private final class EntrySet extends AbstractSet<Entry<String, Object>> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public void clear() {
            SmallMap.this.clear();
        }

        @Override
        public Iterator<Entry<String, Object>> iterator() {
            return new Iterator<>() {
                private int next;
                private int last = -1;
                private int expected = modCount;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public Entry<String, Object> next() {
                    if (modCount != expected) throw new ConcurrentModificationException();
                    if (next >= size) throw new NoSuchElementException();
                    last = next++;
                    return nodes[last];
                }

                @Override
                public void remove() {
                    if (last < 0) throw new IllegalStateException();
                    if (modCount != expected) throw new ConcurrentModificationException();
                    removeAt(last);
                    next = last;
                    last = -1;
                    expected = modCount;
                }
            };
        }
    }
}
