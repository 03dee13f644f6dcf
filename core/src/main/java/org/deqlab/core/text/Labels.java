package org.deqlab.core.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the engine's enums read and print their values: the lowercase words users type in configs, on
 * the command line and in the window, one rule for all so that every choice parses alike and every
 * error lists what would have been accepted. Enums that implement {@link Labelled} get this in JSON
 * through {@link #jsonModule()}.
 */
public final class Labels {
  private Labels() {}

  /** {@code NAME_WITH_PARTS} as {@code name-with-parts}. */
  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A constant's label: its own if it is {@link Labelled}, else {@link #of}. */
  public static String label(Enum<?> value) {
    return value instanceof Labelled labelled ? labelled.label() : of(value);
  }

  /**
   * The constant whose label, alias or name (in any case, with {@code _} or {@code -}) is {@code
   * text}; the error lists the labels.
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String text) {
    String wanted = text == null ? "" : text.trim();
    for (E value : type.getEnumConstants()) {
      if (label(value).equalsIgnoreCase(wanted)
          || value.name().equalsIgnoreCase(wanted.replace('-', '_'))
          || (value instanceof Labelled labelled
              && labelled.aliases().stream().anyMatch(wanted::equalsIgnoreCase))) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "must be one of "
            + String.join(
                ", ",
                Arrays.stream(type.getEnumConstants()).map(Labels::label).toArray(String[]::new))
            + ", got '"
            + text
            + "'");
  }

  /**
   * Jackson support: every {@link Labelled} enum is written as its label and read by {@link
   * #parse}, whose message becomes the error's (a config names the field's path in front of it).
   */
  public static Module jsonModule() {
    SimpleModule module = new SimpleModule("deq-labels");
    module.setSerializerModifier(
        new BeanSerializerModifier() {
          @Override
          public JsonSerializer<?> modifyEnumSerializer(
              SerializationConfig config,
              JavaType valueType,
              BeanDescription description,
              JsonSerializer<?> serializer) {
            return Labelled.class.isAssignableFrom(valueType.getRawClass())
                ? new LabelSerializer()
                : serializer;
          }
        });
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyEnumDeserializer(
              DeserializationConfig config,
              JavaType type,
              BeanDescription description,
              JsonDeserializer<?> deserializer) {
            return Labelled.class.isAssignableFrom(type.getRawClass())
                ? labelDeserializer(type.getRawClass())
                : deserializer;
          }
        });
    return module;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static JsonDeserializer<?> labelDeserializer(Class<?> type) {
    return new LabelDeserializer(type);
  }

  private static final class LabelSerializer extends StdScalarSerializer<Enum<?>> {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"unchecked", "rawtypes"})
    LabelSerializer() {
      super((Class) Enum.class);
    }

    @Override
    public void serialize(Enum<?> value, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeString(label(value));
    }
  }

  private static final class LabelDeserializer<E extends Enum<E>> extends StdScalarDeserializer<E> {
    private static final long serialVersionUID = 1L;
    private final Class<E> type;

    LabelDeserializer(Class<E> type) {
      super(type);
      this.type = type;
    }

    @Override
    public E deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      try {
        return parse(type, parser.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }
}
