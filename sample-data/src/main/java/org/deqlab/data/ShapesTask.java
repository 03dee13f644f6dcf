package org.deqlab.data;

import java.util.SplittableRandom;

/**
 * A small, procedurally generated image-classification task for convolutional DEQ cells: grey
 * images of a filled circle, square, triangle or cross at a random position and size, with a random
 * brightness and Gaussian pixel noise. It plays the role MNIST or CIFAR play in the DEQ papers at a
 * size that trains in minutes on a CPU, and because it is generated from a seed it needs no
 * download and no licence.
 *
 * <h2>Generation</h2>
 *
 * Each image is {@code imageSize × imageSize}, one channel, background 0. A shape's half-extent r
 * is drawn uniformly from {@code [0.2, 0.4]·imageSize}, its centre uniformly among positions that
 * keep it fully inside the image, its brightness uniformly from {@code [0.6, 1.0]}. Pixel values
 * are the fraction of a 4×4 grid of sub-pixel samples that fall inside the shape, times the
 * brightness, plus noise {@code N(0, noise²)}, clamped to {@code [0, 1]}. Labels are balanced: each
 * set holds {@code ⌊n/4⌋} or {@code ⌈n/4⌉} images of every class, in a seeded random order. The
 * training and test sets come from independent {@link SplittableRandom} streams of {@code seed}.
 *
 * @param imageSize side length in pixels, in [8, 128]
 * @param trainExamples number of training images, at least 1
 * @param testExamples number of test images, at least 1
 * @param noise standard deviation of the additive pixel noise, in [0, 1]
 * @param seed seed from which both sets are generated
 */
public record ShapesTask(
    int imageSize, int trainExamples, int testExamples, double noise, long seed) {

  /** The classes, in label order: {@code CIRCLE} is label 0. */
  public enum Shape {
    /** A filled disc. */
    CIRCLE,
    /** A filled axis-aligned square. */
    SQUARE,
    /** A filled upright isosceles triangle. */
    TRIANGLE,
    /** A plus sign made of two bars a third of the shape's width thick. */
    CROSS;

    /** This shape's label, its position in the enum. */
    public int label() {
      return ordinal();
    }
  }

  /** Number of classes. */
  public static final int CLASS_COUNT = Shape.values().length;

  /** Smallest side length accepted. */
  public static final int MIN_IMAGE_SIZE = 8;

  /** Largest side length accepted. */
  public static final int MAX_IMAGE_SIZE = 128;

  private static final int SUBSAMPLES = 4;

  public ShapesTask {
    if (imageSize < MIN_IMAGE_SIZE || imageSize > MAX_IMAGE_SIZE) {
      throw new IllegalArgumentException(
          "imageSize must be in ["
              + MIN_IMAGE_SIZE
              + ", "
              + MAX_IMAGE_SIZE
              + "], got "
              + imageSize);
    }
    if (trainExamples < 1) {
      throw new IllegalArgumentException("trainExamples must be at least 1, got " + trainExamples);
    }
    if (testExamples < 1) {
      throw new IllegalArgumentException("testExamples must be at least 1, got " + testExamples);
    }
    if (!(noise >= 0 && noise <= 1)) {
      throw new IllegalArgumentException("noise must be in [0, 1], got " + noise);
    }
  }

  /** 16×16 images, 2,000 training and 500 test examples, noise 0.1, seed 0. */
  public static ShapesTask defaults() {
    return new ShapesTask(16, 2_000, 500, 0.1, 0L);
  }

  /** The training images and labels; the same every call. */
  public ImageBatch train() {
    return generate(trainExamples, streams()[0]);
  }

  /** The test images and labels, independent of the training set. */
  public ImageBatch test() {
    return generate(testExamples, streams()[1]);
  }

  /** Identity, size and provenance of this task's data. */
  public DatasetInfo info() {
    return new DatasetInfo(
        "shapes-" + imageSize + "px",
        "Grey "
            + imageSize
            + "×"
            + imageSize
            + " images of circles, squares, triangles and"
            + " crosses at random position and size with noise σ="
            + noise
            + ", seed "
            + seed
            + " ("
            + trainExamples
            + " train, "
            + testExamples
            + " test)",
        (long) trainExamples + testExamples,
        DatasetInfo.SizeUnit.EXAMPLES,
        "generated procedurally (no third-party data)",
        "org.deqlab.data.ShapesTask generator");
  }

  private SplittableRandom[] streams() {
    SplittableRandom root = new SplittableRandom(seed);
    return new SplittableRandom[] {root.split(), root.split()};
  }

  private ImageBatch generate(int count, SplittableRandom random) {
    int[] labels = balancedLabels(count, random);
    int pixelsPerImage = imageSize * imageSize;
    float[] pixels = new float[count * pixelsPerImage];
    for (int i = 0; i < count; i++) {
      draw(Shape.values()[labels[i]], random, pixels, i * pixelsPerImage);
    }
    return new ImageBatch(pixels, labels, 1, imageSize, imageSize, CLASS_COUNT);
  }

  /** Labels 0,1,2,3,0,1,… shuffled (Fisher–Yates), so classes differ in count by at most one. */
  private static int[] balancedLabels(int count, SplittableRandom random) {
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % CLASS_COUNT;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = labels[i];
      labels[i] = labels[j];
      labels[j] = swap;
    }
    return labels;
  }

  private void draw(Shape shape, SplittableRandom random, float[] pixels, int offset) {
    double radius = imageSize * (0.2 + 0.2 * random.nextDouble());
    double centreX = radius + random.nextDouble() * (imageSize - 2 * radius);
    double centreY = radius + random.nextDouble() * (imageSize - 2 * radius);
    double brightness = 0.6 + 0.4 * random.nextDouble();
    double step = 1.0 / SUBSAMPLES;
    for (int row = 0; row < imageSize; row++) {
      for (int col = 0; col < imageSize; col++) {
        int inside = 0;
        for (int sy = 0; sy < SUBSAMPLES; sy++) {
          for (int sx = 0; sx < SUBSAMPLES; sx++) {
            // Coordinates relative to the centre, in units of the half-extent.
            double x = (col + (sx + 0.5) * step - centreX) / radius;
            double y = (row + (sy + 0.5) * step - centreY) / radius;
            if (contains(shape, x, y)) {
              inside++;
            }
          }
        }
        double value = brightness * inside / (SUBSAMPLES * SUBSAMPLES);
        if (noise > 0) {
          value += noise * gaussian(random);
        }
        pixels[offset + row * imageSize + col] = (float) Math.min(1, Math.max(0, value));
      }
    }
  }

  /** Whether the point (x, y), in half-extents from the centre with y pointing down, is inside. */
  private static boolean contains(Shape shape, double x, double y) {
    return switch (shape) {
      case CIRCLE -> x * x + y * y <= 1;
      case SQUARE -> Math.abs(x) <= 1 && Math.abs(y) <= 1;
      // Apex at (0, −1), base from (−1, 1) to (1, 1): the half-width grows linearly downwards.
      case TRIANGLE -> y <= 1 && Math.abs(x) <= (y + 1) / 2;
      case CROSS -> {
        double bar = 1.0 / 3;
        boolean inBox = Math.abs(x) <= 1 && Math.abs(y) <= 1;
        yield inBox && (Math.abs(x) <= bar || Math.abs(y) <= bar);
      }
    };
  }

  /** A standard normal sample (Box–Muller), drawn from {@code random} for reproducibility. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
