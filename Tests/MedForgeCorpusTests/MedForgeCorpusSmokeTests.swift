import Testing
@testable import MedForgeCorpus
