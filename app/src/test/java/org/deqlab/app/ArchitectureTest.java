package org.deqlab.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependencies the modules promise, checked on the compiled classes of all four: the engine
 * (core) knows no JavaFX, the charts (visualization) know no DJL and no engine, the command line
 * does not reach into the window, and core's packages depend on each other without cycles.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.deqlab");
  }

  @Test
  void theEngineImportsNoJavaFx() {
    noClasses()
        .that()
        .resideInAPackage("org.deqlab.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("javafx..", "io.fair_acc..", "org.controlsfx..", "org.deqlab.app..")
        .check(classes);
  }

  @Test
  void theChartsKnowNeitherDjlNorTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("org.deqlab.viz..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "ai.djl..", "org.deqlab.core..", "org.deqlab.app..", "org.deqlab.data..")
        .check(classes);
  }

  @Test
  void theCommandLineDoesNotImportTheWindow() {
    noClasses()
        .that()
        .resideInAPackage("org.deqlab.app.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.deqlab.app.ui..")
        .check(classes);
  }

  @Test
  void sampleDataIsPlainJava() {
    noClasses()
        .that()
        .resideInAPackage("org.deqlab.data..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.djl..", "org.deqlab.core..", "javafx..")
        .check(classes);
  }

  @Test
  void theEnginesPackagesHaveNoCycles() {
    slices().matching("org.deqlab.core.(*)..").should().beFreeOfCycles().check(classes);
  }

  /**
   * Every tensor lives on the device the user chose: only the places that decide a device may name
   * one (the device choice itself, the engine's manager factory, the doctor's list of devices, the
   * device check's CPU reference and the 2-D playground, which is small enough for the host), and
   * no code creates a manager on the engine's default device behind the user's back.
   */
  @Test
  void onlyThePlacesThatChooseADeviceNameOne() {
    noClasses()
        .that()
        .resideOutsideOfPackages("org.deqlab.core.playground..")
        .and()
        .doNotHaveFullyQualifiedName("org.deqlab.core.engine.DeqEngine")
        .and()
        .doNotHaveFullyQualifiedName("org.deqlab.core.experiment.DeviceChoice")
        .and()
        .doNotHaveFullyQualifiedName("org.deqlab.core.check.DeviceCheck")
        .and()
        .doNotHaveFullyQualifiedName("org.deqlab.app.cli.DoctorCommand")
        .should()
        .callMethod(Device.class, "cpu")
        .orShould()
        .callMethod(Device.class, "gpu", int.class)
        .orShould()
        .callMethod(Device.class, "gpu")
        .orShould()
        .callMethod(NDManager.class, "newBaseManager")
        .orShould()
        .callMethod(NDManager.class, "newBaseManager", Device.class)
        .orShould()
        .callMethod(Engine.class, "newBaseManager")
        .orShould()
        .callMethod(Engine.class, "newBaseManager", Device.class)
        .check(classes);
  }
}
