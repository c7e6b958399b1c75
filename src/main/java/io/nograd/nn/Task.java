package io.nograd.nn;

/** What the network learns: class labels (one-hot targets) or its own input (an autoencoder). */
public enum Task {
    CLASSIFICATION("classification"),
    AUTOENCODER("autoencoder");

    private final String id;

    Task(String id) {
        this.id = id;
    }

    public String id() { return id; }

    public static Task of(String id) {
        for (Task t : values()) if (t.id.equals(id)) return t;
        throw new IllegalArgumentException("unknown task '" + id + "'; known: classification, autoencoder");
    }
}
