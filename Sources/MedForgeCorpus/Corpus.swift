// Corpus building: ingestion, DP, augmentation, dedup, export (issue 3).
import Foundation
import MedForgeDeid
