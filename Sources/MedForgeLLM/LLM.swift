@_exported import MedForgeTensor
@_exported import MedForgeFormats
@_exported import MedForgeTokenizers
