# The version of missionc this package belongs to. It must equal the compiler's
# (`missionc --version`, CMakeLists.txt's project VERSION; a test checks it): a
# library whose manifest names another version is refused.
__version__ = "0.1.0"
