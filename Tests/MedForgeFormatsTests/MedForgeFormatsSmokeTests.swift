import Testing
@testable import MedForgeFormats
