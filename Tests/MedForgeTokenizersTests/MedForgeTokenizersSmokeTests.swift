import Testing
@testable import MedForgeTokenizers
