package dev.marginal.targets;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Loads a user-supplied {@link Target} by class name: a public, concrete class with a public no-argument
 * constructor that implements {@link Target} and keeps its contract ({@link TargetContract}). Every failure is an
 * {@link IllegalArgumentException} with a one-line message naming the class (or the target's name) and what is
 * wrong.
 */
public final class UserTarget {
  private UserTarget() {}

  /**
   * Instantiates {@code className} from the thread's context class loader (or this library's, when there is none).
   *
   * @param className a binary class name, e.g. {@code com.example.MyTarget} or {@code com.example.Outer$Inner}
   */
  public static Target load(String className) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(className, loader != null ? loader : UserTarget.class.getClassLoader());
  }

  /** Instantiates {@code className} from {@code loader}. */
  public static Target load(String className, ClassLoader loader) {
    if (className == null || className.isBlank()) {
      throw new IllegalArgumentException("target class name is empty (expected class:<fully.qualified.Name>)");
    }
    Class<?> type = find(className, loader);
    if (!Target.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          "target class " + className + " does not implement " + Target.class.getName());
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new IllegalArgumentException("target class " + className + " is abstract and cannot be instantiated");
    }
    return TargetContract.check(instantiate(type.asSubclass(Target.class), className));
  }

  private static Class<?> find(String className, ClassLoader loader) {
    try {
      return Class.forName(className, true, loader);
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new IllegalArgumentException("target class " + className + " not found on the class path");
    } catch (ExceptionInInitializerError e) {
      throw new IllegalArgumentException(
          "target class " + className + " failed to initialise: " + oneLine(e.getCause()));
    }
  }

  private static Target instantiate(Class<? extends Target> type, String className) {
    Constructor<? extends Target> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("target class " + className + " has no public no-argument constructor");
    }
    try {
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "target class " + className + " threw in its constructor: " + oneLine(e.getCause()));
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("target class " + className + " is not public");
    } catch (InstantiationException e) {
      throw new IllegalArgumentException("target class " + className + " cannot be instantiated");
    }
  }

  /** The throwable's type and message on one line. */
  private static String oneLine(Throwable t) {
    if (t == null) {
      return "unknown cause";
    }
    String message = t.getMessage() == null ? "" : ": " + t.getMessage().replaceAll("\\s+", " ");
    return t.getClass().getSimpleName() + message;
  }
}
